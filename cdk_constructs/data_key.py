"""The per-environment customer-managed key that encrypts every table."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from catalog.naming import data_key_alias

# What the account (and so, through IAM, its roles) may do with the key: every
# action that applies to a symmetric key, named one by one instead of CDK's
# default `kms:*`, so no statement anywhere has a wildcard action. PutKeyPolicy
# stays, so the account can always rewrite this policy: no lock-out.
ACCOUNT_KEY_ACTIONS = (
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:CreateGrant",
    "kms:Decrypt",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListKeyRotations",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:RetireGrant",
    "kms:RevokeGrant",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
)


class DataKey(Construct):
    """A rotating CMK that is always retained.

    Retained even in dev: a deleted key makes every backup and PITR restore
    encrypted with it unreadable, and a key costs little to keep.
    """

    def __init__(self, scope: Construct, construct_id: str, *, environment_name: str) -> None:
        super().__init__(scope, construct_id)
        account_statement = iam.PolicyStatement(
            sid="AccountAdministersAndDelegatesThisKey",
            principals=[iam.AccountRootPrincipal()],
            actions=list(ACCOUNT_KEY_ACTIONS),
            # In a key policy "*" means this key only.
            resources=["*"],
        )
        self.key = kms.Key(
            self,
            "Key",
            alias=data_key_alias(environment_name),
            description=f"Encrypts the {environment_name} DynamoDB data layer",
            enable_key_rotation=True,
            pending_window=Duration.days(30),
            removal_policy=RemovalPolicy.RETAIN,
            # With CDK v2's default key policies this replaces the `kms:*` statement.
            policy=iam.PolicyDocument(statements=[account_statement]),
        )

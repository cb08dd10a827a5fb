"""The per-environment customer-managed key that encrypts every table."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_kms as kms
from constructs import Construct


class DataKey(Construct):
    """A rotating CMK that is always retained.

    Retained even in dev: a deleted key makes every backup and PITR restore
    encrypted with it unreadable, and a key costs little to keep.
    """

    def __init__(self, scope: Construct, construct_id: str, *, environment_name: str) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "Key",
            alias=f"alias/{environment_name}-dynamodb-data",
            description=f"Encrypts the {environment_name} DynamoDB data layer",
            enable_key_rotation=True,
            pending_window=Duration.days(30),
            removal_policy=RemovalPolicy.RETAIN,
        )

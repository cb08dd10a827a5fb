"""Plain data types for who may touch which table, and how. No CDK or boto3 import.

The IAM construct, the README access matrix and the tests all read these, so
the one place an action is granted is the consumer's entry in
``catalog/consumers.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

# Data-plane actions that change items. Holding any of them makes a consumer a
# KMS writer (it needs data keys to encrypt what it writes).
WRITE_ACTIONS = frozenset(
    {
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
    }
)
READ_ACTIONS = frozenset(
    {
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:Scan",
        "dynamodb:DescribeTable",
    }
)
# An index ARN only authorises these two; anything else on an index is a mistake.
INDEX_ACTIONS = frozenset({"dynamodb:Query", "dynamodb:Scan"})
# Applications never hold these: CDK owns the tables' lifecycle.
CONTROL_PLANE_ACTIONS = frozenset(
    {
        "dynamodb:CreateTable",
        "dynamodb:DeleteTable",
        "dynamodb:UpdateTable",
        "dynamodb:UpdateTimeToLive",
        "dynamodb:UpdateContinuousBackups",
        "dynamodb:CreateGlobalSecondaryIndex",
    }
)
KMS_READER_ACTIONS = ("kms:Decrypt",)
KMS_WRITER_ACTIONS = ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey")
# The access-matrix name of the environment's customer-managed key.
KMS_KEY = "KMS key"

# What ``trusted_principal`` may say instead of a service or ARN: the
# environment's own account root (the caller still needs sts:AssumeRole).
ACCOUNT_ROOT = "account"


@dataclass(frozen=True)
class Grant:
    """The exact actions one consumer holds on one table, or on one of its indexes."""

    table: str
    actions: tuple[str, ...]
    index: str | None = None
    reason: str = ""

    @property
    def resource(self) -> str:
        """The access-matrix name: ``<table key>`` or ``<table key>/index/<index>``."""
        return self.table if self.index is None else f"{self.table}/index/{self.index}"


@dataclass(frozen=True)
class Consumer:
    """One application role and the data access its job needs.

    ``construct_id`` is the CloudFormation identity of the policy and role, and
    the stem of their exports; changing it replaces both.
    """

    id: str
    construct_id: str
    application: str
    description: str
    seeds: str
    trusted_principal: str
    grants: tuple[Grant, ...]
    principal_reason: str = ""

    @property
    def dynamodb_actions(self) -> frozenset[str]:
        return frozenset(action for grant in self.grants for action in grant.actions)

    @property
    def writes(self) -> bool:
        return bool(self.dynamodb_actions & WRITE_ACTIONS)

    @property
    def kms_actions(self) -> tuple[str, ...]:
        """Decrypt for readers; Encrypt, GenerateDataKey and Decrypt for writers."""
        return KMS_WRITER_ACTIONS if self.writes else KMS_READER_ACTIONS

    def matrix(self) -> dict[str, frozenset[str]]:
        """``{table or index or KMS key: actions}``, the rows README documents."""
        rows: dict[str, set[str]] = {}
        for grant in self.grants:
            rows.setdefault(grant.resource, set()).update(grant.actions)
        rows[KMS_KEY] = set(self.kms_actions)
        return {resource: frozenset(actions) for resource, actions in rows.items()}

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
    """The exact actions one consumer holds on one table, or on one of its indexes.

    ``leading_keys`` limits item actions to partition key values matching one of these
    patterns (IAM's ``dynamodb:LeadingKeys``); ``staging`` marks a grant that exists only
    where the environment has a staging bucket (``bulk_load_bucket``).
    """

    table: str
    actions: tuple[str, ...]
    index: str | None = None
    reason: str = ""
    leading_keys: tuple[str, ...] = ()
    staging: bool = False

    @property
    def resource(self) -> str:
        """The access-matrix name: ``<table key>`` or ``<table key>/index/<index>``."""
        return self.table if self.index is None else f"{self.table}/index/{self.index}"


@dataclass(frozen=True)
class DerivedGrant(Grant):
    """A grant on ARNs derived from a catalog table's ARN: ``{table ARN}{suffix}``.

    ``-restored-*`` covers the tables ``ddbctl restore`` creates (``{physical
    name}-restored-{time}``); ``/backup/*``, ``/export/*`` and ``/*`` cover what DynamoDB
    names under the table at run time (backups, exports, bulk operations).
    """

    suffix: str = ""

    @property
    def resource(self) -> str:
        return f"{self.table}{self.suffix}"


# The access-matrix name of an action that takes no resource (IAM accepts only "*").
ANY_RESOURCE = "*"
# The access-matrix name of the environment's staging bucket (``bulk_load_bucket``).
STAGING_BUCKET = "staging bucket"
# The access-matrix name of the key as S3 uses it for the staging bucket's objects.
KMS_KEY_VIA_S3 = "KMS key via S3"
S3_READ_ACTIONS = frozenset({"s3:GetObject"})
S3_WRITE_ACTIONS = frozenset({"s3:PutObject", "s3:AbortMultipartUpload", "s3:PutObjectAcl"})
# SSE-KMS: reading an object decrypts its data key; writing one (multipart included)
# generates a data key and decrypts it.
KMS_VIA_S3_READER_ACTIONS = ("kms:Decrypt",)
KMS_VIA_S3_WRITER_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")


@dataclass(frozen=True)
class AccountGrant:
    """Actions that name no table: IAM takes only ``"*"`` as their resource, and each
    such statement is acknowledged in the nag gate with ``reason``."""

    actions: tuple[str, ...]
    reason: str
    staging: bool = False

    @property
    def resource(self) -> str:
        return ANY_RESOURCE


@dataclass(frozen=True)
class BucketGrant:
    """S3 actions on the environment's staging bucket: on the bucket itself when ``keys``
    is empty, else on the objects whose keys match one of ``keys``. Only where the
    environment has the bucket."""

    actions: tuple[str, ...]
    reason: str
    keys: tuple[str, ...] = ()
    staging: bool = True

    @property
    def resources(self) -> tuple[str, ...]:
        if not self.keys:
            return (STAGING_BUCKET,)
        return tuple(f"{STAGING_BUCKET}/{key}" for key in self.keys)


@dataclass(frozen=True)
class Consumer:
    """One role and the data access its job needs.

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
    account_grants: tuple[AccountGrant, ...] = ()
    bucket_grants: tuple[BucketGrant, ...] = ()

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

    @property
    def direct_kms_actions(self) -> tuple[str, ...]:
        """KMS actions on the environment key that ddbctl calls itself (no kms:ViaService)."""
        return ()

    def table_grants(self, *, staging: bool) -> tuple[Grant, ...]:
        """The table and index grants, with the staging ones only when ``staging``."""
        return tuple(grant for grant in self.grants if staging or not grant.staging)

    def account_grants_for(self, *, staging: bool) -> tuple[AccountGrant, ...]:
        return tuple(grant for grant in self.account_grants if staging or not grant.staging)

    def bucket_grants_for(self, *, staging: bool) -> tuple[BucketGrant, ...]:
        return self.bucket_grants if staging else ()

    def kms_via_s3_actions(self, *, staging: bool) -> tuple[str, ...]:
        """What S3 needs of the key for this consumer's objects: none without bucket access."""
        actions = {a for grant in self.bucket_grants_for(staging=staging) for a in grant.actions}
        if actions & S3_WRITE_ACTIONS:
            return KMS_VIA_S3_WRITER_ACTIONS
        if actions & S3_READ_ACTIONS:
            return KMS_VIA_S3_READER_ACTIONS
        return ()

    def matrix(self, *, staging: bool = False) -> dict[str, frozenset[str]]:
        """``{table, index, bucket, "*" or key: actions}``, the rows the access document
        shows; ``staging`` adds what the environment's staging bucket brings."""
        rows: dict[str, set[str]] = {}
        for grant in self.table_grants(staging=staging):
            rows.setdefault(grant.resource, set()).update(grant.actions)
        for grant in self.account_grants_for(staging=staging):
            rows.setdefault(grant.resource, set()).update(grant.actions)
        for grant in self.bucket_grants_for(staging=staging):
            for resource in grant.resources:
                rows.setdefault(resource, set()).update(grant.actions)
        rows[KMS_KEY] = set(self.kms_actions) | set(self.direct_kms_actions)
        if via_s3 := self.kms_via_s3_actions(staging=staging):
            rows[KMS_KEY_VIA_S3] = set(via_s3)
        return {resource: frozenset(actions) for resource, actions in rows.items()}

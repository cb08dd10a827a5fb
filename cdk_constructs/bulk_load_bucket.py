"""The staging bucket for `migrate-profiles --via-s3` and `copy --via-s3`: inputs DynamoDB's
managed bulk put reads, the exports it loads from, and the error reports it writes back.

The bucket policy grants nothing to DynamoDB's service principal. An export writes, and
(as far as AWS documents it; see docs/decisions.md) a bulk put reads and writes, with the
permissions of the role that started it, so those roles' policies hold the access
(``catalog/consumers.py``), and the bucket's own policy only denies plain HTTP."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct


class BulkLoadBucket(Construct):
    """A private, KMS-encrypted, SSL-only bucket whose objects expire.

    Parameters
    ----------
    encryption_key:
        The environment's CMK; objects are encrypted with it (S3 Bucket Keys on, so KMS
        is called per bucket key, not per object).
    expire_after_days:
        Staged inputs, exports and reports are deleted this many days after they are
        written: they are copies of data the tables already hold.
    removal_policy:
        Retained by default, like every data store here.

    Attributes
    ----------
    bucket:
        The bucket. Who may use it is said by the roles' policies, not here.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        encryption_key: kms.IKey,
        expire_after_days: int,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=encryption_key,
            bucket_key_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireStagedObjects",
                    expiration=Duration.days(expire_after_days),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
            removal_policy=removal_policy,
        )
        Validations.of(self.bucket).acknowledge(
            Acknowledgment(
                id="AwsSolutions-S1",
                reason="Short-lived staging copies of table data that expire after "
                f"{expire_after_days} days; who read or wrote them is in CloudTrail (the "
                "bulk put and export calls), and an access-log bucket would outlive them",
            )
        )

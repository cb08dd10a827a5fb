"""The staging bucket for `migrate-profiles --via-s3` and `copy --via-s3`: inputs DynamoDB's
managed bulk put reads, and the error reports it writes back."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Aws, Duration, RemovalPolicy, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

DYNAMODB_SERVICE = "dynamodb.amazonaws.com"
SERVICE_READS = ("s3:GetObject", "s3:ListBucket")
SERVICE_WRITES = ("s3:PutObject", "s3:AbortMultipartUpload")
# Reports go under PREFIX/reports/ (``ddbctl.bulk.location``); PREFIX may be empty.
REPORT_KEYS = ("reports/*", "*/reports/*")
EXPORT_KEYS = ("export/*", "*/export/*")


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
        The bucket; DynamoDB (``dynamodb.amazonaws.com``, from this account only) may read
        anything in it and write reports and exports.
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
        self._build_service_access(encryption_key)
        Validations.of(self.bucket).acknowledge(
            Acknowledgment(
                id="AwsSolutions-S1",
                reason="Short-lived staging copies of table data that expire after "
                f"{expire_after_days} days; who read or wrote them is in CloudTrail (the "
                "bulk put and export calls), and an access-log bucket would outlive them",
            )
        )

    def _build_service_access(self, key: kms.IKey) -> None:
        tables = f"arn:{Aws.PARTITION}:dynamodb:{Aws.REGION}:{Aws.ACCOUNT_ID}:table/*"
        conditions = {
            "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
            "ArnLike": {"aws:SourceArn": tables},
        }
        service = iam.ServicePrincipal(DYNAMODB_SERVICE)
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="DynamoDBReadsInputs",
                principals=[service],
                actions=list(SERVICE_READS),
                resources=[self.bucket.bucket_arn, self.bucket.arn_for_objects("*")],
                conditions=conditions,
            )
        )
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="DynamoDBWritesReportsAndExports",
                principals=[service],
                actions=list(SERVICE_WRITES),
                resources=[self.bucket.arn_for_objects(keys) for keys in REPORT_KEYS + EXPORT_KEYS],
                conditions=conditions,
            )
        )
        # A key in the same stack gets the matching key-policy statement; an imported key
        # cannot be changed here (allow_no_op), and its policy must allow the same.
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="DynamoDBUsesKeyForBulkLoadObjects",
                principals=[service],
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=["*"],  # in a key policy, "*" means this key
                conditions={
                    "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
                    "StringLike": {"kms:ViaService": f"s3.{Aws.REGION}.amazonaws.com"},
                },
            ),
            allow_no_op=True,
        )

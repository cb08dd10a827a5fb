"""The staging bucket construct in a bare stack, and the migration operator's bulk-load
grants: exact actions, only with a bucket, and cdk-nag clean (S1 acknowledged)."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Match, Template
from pydantic import ValidationError

import catalog
from catalog import consumers
from cdk_constructs import BulkLoadBucket
from cdk_constructs.consumer_access import ConsumerAccess
from settings import EnvironmentConfig
from tests.infra.test_nag import MIN_REASON_LENGTH, acknowledgements, violations

ENV = cdk.Environment(account="123456789012", region="us-east-1")


@pytest.fixture(scope="module")
def built():
    stack = cdk.Stack(cdk.App(), "Bulk", env=ENV)
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    staging = BulkLoadBucket(stack, "Staging", encryption_key=key, expire_after_days=5)
    spec = catalog.table("agent-profiles")
    table = dynamodb.TableV2(
        stack,
        "Profiles",
        partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
        encryption=dynamodb.TableEncryptionV2.customer_managed_key(key),
    )
    operator = consumers.PROFILE_MIGRATION_OPERATOR
    server = consumers.AGENT_MATCHING_SERVER
    tables = {
        t.key: table
        for t in catalog.TABLES
        if t.key in {g.table for g in server.grants} | {spec.key}
    }
    with_bucket, other = (
        ConsumerAccess(
            stack,
            construct_id,
            consumer=holder,
            tables=tables,
            encryption_key=key,
            region="us-east-1",
            assumed_by=cdk.aws_iam.AccountRootPrincipal(),
            bulk_load_bucket=staging.bucket,
        )
        for construct_id, holder in (("Operator", operator), ("Server", server))
    )
    return stack, Template.from_stack(stack), with_bucket, other


def test_the_bucket_is_kms_encrypted_private_and_expires_its_objects(built):
    _, template, _, _ = built
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {
                        "BucketKeyEnabled": True,
                        "ServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": Match.any_value(),
                        },
                    }
                ]
            },
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "LifecycleConfiguration": {
                "Rules": [Match.object_like({"ExpirationInDays": 5, "Status": "Enabled"})]
            },
        },
    )
    template.has_resource("AWS::S3::Bucket", {"DeletionPolicy": "Retain"})


def test_the_bucket_policy_denies_plain_http_and_grants_no_one_anything(built):
    """Exports and bulk puts act with the caller's permissions (docs/decisions.md): the
    roles' policies hold the access, and no service principal is let in here."""
    _, template, _, _ = built
    (policy,) = template.find_resources("AWS::S3::BucketPolicy").values()
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    key_policy = next(iter(template.find_resources("AWS::KMS::Key").values()))
    principals = str(key_policy["Properties"]["KeyPolicy"])
    assert "dynamodb.amazonaws.com" not in principals


def test_the_operator_gains_exactly_the_bulk_actions_and_the_bucket(built):
    stack, _, with_bucket, other = built
    resolved = stack.resolve(with_bucket.policy.document.to_json())["Statement"]
    actions = sorted(
        {
            a
            for s in resolved
            for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
        }
    )
    assert actions == sorted(
        {
            "dynamodb:BatchWriteItem",
            "dynamodb:DescribeTable",
            *consumers.BULK_LOAD_ACTIONS,
            *consumers.BULK_OPERATION_ACTIONS,
            "dynamodb:ListBulkOperations",
            "s3:GetObject",
            "s3:PutObject",
            "s3:ListBucket",
            *consumers.PROFILE_MIGRATION_OPERATOR.kms_actions,
        }
    )
    via = [s["Condition"]["StringEquals"]["kms:ViaService"] for s in resolved if "Condition" in s]
    assert sorted(via) == ["dynamodb.us-east-1.amazonaws.com", "s3.us-east-1.amazonaws.com"]
    others = stack.resolve(other.policy.document.to_json())["Statement"]
    assert not any("Bulk" in str(s["Action"]) or "s3:" in str(s["Action"]) for s in others)


def test_without_a_bucket_the_operator_policy_is_unchanged():
    stack = cdk.Stack(cdk.App(), "Plain", env=ENV)
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    table = dynamodb.TableV2(
        stack, "T", partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING)
    )
    access = ConsumerAccess(
        stack,
        "Operator",
        consumer=consumers.PROFILE_MIGRATION_OPERATOR,
        tables={"agent-profiles": table},
        encryption_key=key,
        region="us-east-1",
        assumed_by=cdk.aws_iam.AccountRootPrincipal(),
    )
    assert "Bulk" not in str(stack.resolve(access.policy.document.to_json()))


def test_cdk_nag_finds_nothing_and_s1_is_acknowledged_with_a_reason(built):
    stack, _, _, _ = built
    assert violations(stack) == []
    found = acknowledgements(stack)
    bucket_acks = [data for path, data in found if "Staging" in path]
    assert len(bucket_acks) == 1
    assert "AwsSolutions-S1" in str(bucket_acks[0])
    operator_acks = [str(data) for path, data in found if path.startswith("Bulk/Operator")]
    # The operation ARNs under the one table, ListBulkOperations' "*", the staged objects.
    assert len(operator_acks) == 3
    assert all("AwsSolutions-IAM5[Resource::" in ack for ack in operator_acks)
    assert any("AwsSolutions-IAM5[Resource::*]" in ack for ack in operator_acks)
    assert not [path for path, _ in found if path.startswith("Bulk/Server")]
    for _, data in found:
        assert len(str(data)) > MIN_REASON_LENGTH


def test_the_setting_is_off_by_default_and_strict():
    base = {
        "name": "dev",
        "account": "123456789012",
        "removal_policy": "destroy",
        "deletion_protection": False,
        "backup_retention_days": None,
    }
    config = EnvironmentConfig(**base)
    assert (config.bulk_load_bucket, config.bulk_load_expire_days) == (False, 7)
    with pytest.raises(ValidationError):
        EnvironmentConfig(**base, bulk_load_bucket="yes")
    with pytest.raises(ValidationError):
        EnvironmentConfig(**base, bulk_load_expire_days=0)

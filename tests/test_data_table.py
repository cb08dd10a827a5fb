"""The table construct in a bare stack: what each argument turns into."""

from __future__ import annotations

import dataclasses

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Match, Template

import catalog
from catalog.model import TableClass
from cdk_constructs import DataTable


def build(spec_key: str, **overrides) -> Template:
    stack = cdk.Stack(
        cdk.App(), "Bare", env=cdk.Environment(account="123456789012", region="eu-west-1")
    )
    key = kms.Key(stack, "Key")
    arguments = {
        "spec": catalog.table(spec_key),
        "table_name": "test-table",
        "environment_name": "test",
        "encryption_key": key,
        "removal_policy": cdk.RemovalPolicy.RETAIN,
        "deletion_protection": True,
        "pitr_recovery_days": 35,
        "provisioned_capacity": False,
        **overrides,
    }
    DataTable(stack, "Data", **arguments)
    return Template.from_stack(stack)


def test_sse_uses_the_given_key_and_pitr_window():
    template = build("ai-trade-matching-processing-status", pitr_recovery_days=12)
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "TableName": "test-table",
            "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS"},
            "TimeToLiveSpecification": {"AttributeName": "expiresAt", "Enabled": True},
            "Replicas": [
                Match.object_like(
                    {
                        "Region": "eu-west-1",
                        "SSESpecification": {
                            "KMSMasterKeyId": {
                                "Fn::GetAtt": [Match.string_like_regexp("^Key"), "Arn"]
                            }
                        },
                        "PointInTimeRecoverySpecification": {
                            "PointInTimeRecoveryEnabled": True,
                            "RecoveryPeriodInDays": 12,
                        },
                        "DeletionProtectionEnabled": True,
                        "Tags": Match.array_with(
                            [
                                {"Key": "Component", "Value": "AgentCore"},
                                {"Key": "Environment", "Value": "test"},
                            ]
                        ),
                    }
                )
            ],
        },
    )


@pytest.mark.parametrize(
    ("policy", "expected"),
    [(cdk.RemovalPolicy.RETAIN, "Retain"), (cdk.RemovalPolicy.DESTROY, "Delete")],
)
def test_removal_policy_applies_to_delete_and_replace(policy, expected):
    template = build("agent-profiles", removal_policy=policy, deletion_protection=False)
    template.has_resource(
        "AWS::DynamoDB::GlobalTable",
        {"DeletionPolicy": expected, "UpdateReplacePolicy": expected},
    )


def test_table_without_ttl_has_no_ttl_specification():
    build("agent-profiles").has_resource_properties(
        "AWS::DynamoDB::GlobalTable", {"TimeToLiveSpecification": Match.absent()}
    )


def test_provisioned_only_when_asked_and_the_spec_has_capacity():
    build("agent-conversations").has_resource_properties(
        "AWS::DynamoDB::GlobalTable", {"BillingMode": "PAY_PER_REQUEST"}
    )
    build("OpportunitySessions", provisioned_capacity=True).has_resource_properties(
        "AWS::DynamoDB::GlobalTable", {"BillingMode": "PAY_PER_REQUEST"}
    )
    template = build("agent-conversations", provisioned_capacity=True, autoscaling_max_multiplier=3)
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "BillingMode": "PROVISIONED",
            "WriteProvisionedThroughputSettings": {
                "WriteCapacityAutoScalingSettings": {
                    "MinCapacity": 10,
                    "MaxCapacity": 30,
                    "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 70},
                }
            },
            "GlobalSecondaryIndexes": [
                Match.object_like(
                    {
                        "IndexName": "agent-conversations-index",
                        "WriteProvisionedThroughputSettings": {
                            "WriteCapacityAutoScalingSettings": Match.object_like(
                                {"MinCapacity": 5, "MaxCapacity": 15}
                            )
                        },
                    }
                )
            ],
        },
    )


@pytest.mark.parametrize("spec", catalog.TABLES, ids=lambda s: s.key)
def test_every_catalog_index_is_built(spec):
    template = build(spec.key)
    (table,) = template.find_resources("AWS::DynamoDB::GlobalTable").values()
    built = [gsi["IndexName"] for gsi in table["Properties"].get("GlobalSecondaryIndexes", [])]
    assert built == [index.name for index in spec.global_indexes]


def test_max_request_units_caps_the_on_demand_table_and_every_index():
    template = build("agent-profiles", max_request_units=25)
    spec = catalog.table("agent-profiles")
    (table,) = template.find_resources("AWS::DynamoDB::GlobalTable").values()
    properties = table["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["WriteOnDemandThroughputSettings"] == {"MaxWriteRequestUnits": 25}
    (replica,) = properties["Replicas"]
    assert replica["ReadOnDemandThroughputSettings"] == {"MaxReadRequestUnits": 25}
    indexes = {i["IndexName"]: i for i in properties["GlobalSecondaryIndexes"]}
    replica_indexes = {i["IndexName"]: i for i in replica["GlobalSecondaryIndexes"]}
    assert set(indexes) == set(replica_indexes) == {i.name for i in spec.global_indexes}
    for name in indexes:
        assert indexes[name]["WriteOnDemandThroughputSettings"] == {"MaxWriteRequestUnits": 25}
        assert replica_indexes[name]["ReadOnDemandThroughputSettings"] == {
            "MaxReadRequestUnits": 25
        }


def test_without_max_request_units_on_demand_is_uncapped():
    (table,) = build("agent-profiles").find_resources("AWS::DynamoDB::GlobalTable").values()
    assert "WriteOnDemandThroughputSettings" not in table["Properties"]
    assert "ReadOnDemandThroughputSettings" not in table["Properties"]["Replicas"][0]


def test_a_provisioned_table_ignores_max_request_units():
    template = build("agent-profiles", provisioned_capacity=True, max_request_units=25)
    (table,) = template.find_resources("AWS::DynamoDB::GlobalTable").values()
    assert table["Properties"]["BillingMode"] == "PROVISIONED"
    assert "OnDemandThroughputSettings" not in str(table)


@pytest.mark.parametrize("table_class", list(TableClass))
def test_the_catalog_table_class_is_passed_through(table_class):
    spec = dataclasses.replace(catalog.table("agent-profiles"), table_class=table_class)
    (table,) = (
        build("agent-profiles", spec=spec).find_resources("AWS::DynamoDB::GlobalTable").values()
    )
    assert table["Properties"]["Replicas"][0]["TableClass"] == table_class.value


def test_a_table_is_standard_unless_the_catalog_says_otherwise():
    spec = catalog.table("agent-profiles")
    assert dataclasses.replace(spec, table_class=TableClass.STANDARD) == spec.__class__(
        **{
            f.name: getattr(spec, f.name)
            for f in dataclasses.fields(spec)
            if f.name != "table_class"
        }
    )

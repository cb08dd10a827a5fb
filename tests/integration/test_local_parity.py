"""Parity: the tables ``ddbctl local up`` creates match the synthesized template's.

For every environment, the local tables (in DynamoDB Local) and the
``AWS::DynamoDB::GlobalTable`` resources must agree on names, keys, attribute
types, GSIs and projections, TTL, deletion protection and billing mode.
"""

from __future__ import annotations

import boto3
import pytest

import catalog
from ddbctl.environment_tables import create_environment_tables
from tests.conftest import drop_tables


def _indexes(definitions) -> dict[str, tuple]:
    return {
        index["IndexName"]: (index["KeySchema"], index["Projection"]) for index in definitions or []
    }


def _template_view(properties: dict) -> dict:
    replica = properties["Replicas"][0]
    ttl = properties.get("TimeToLiveSpecification")
    return {
        "KeySchema": properties["KeySchema"],
        "AttributeDefinitions": sorted(
            properties["AttributeDefinitions"], key=lambda a: a["AttributeName"]
        ),
        "Indexes": _indexes(properties.get("GlobalSecondaryIndexes")),
        "Ttl": (ttl["AttributeName"], "ENABLED") if ttl and ttl["Enabled"] else None,
        "DeletionProtection": replica.get("DeletionProtectionEnabled", False),
        "BillingMode": properties.get("BillingMode", "PROVISIONED"),
    }


def _local_view(client, table_name: str) -> dict:
    table = client.describe_table(TableName=table_name)["Table"]
    ttl = client.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"]
    return {
        "KeySchema": table["KeySchema"],
        "AttributeDefinitions": sorted(
            table["AttributeDefinitions"], key=lambda a: a["AttributeName"]
        ),
        "Indexes": _indexes(table.get("GlobalSecondaryIndexes")),
        "Ttl": (ttl["AttributeName"], ttl["TimeToLiveStatus"])
        if ttl["TimeToLiveStatus"] != "DISABLED"
        else None,
        "DeletionProtection": table.get("DeletionProtectionEnabled", False),
        # Like AWS, DynamoDB Local omits the summary for tables that were always provisioned.
        "BillingMode": table.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED"),
    }


@pytest.fixture
def local_tables(dynamodb_local, environment):
    """The environment's tables, created in DynamoDB Local as ``local up`` does, then removed
    (the session's DynamoDB Local is shared, so leave it as we found it)."""
    client = boto3.client("dynamodb", endpoint_url=dynamodb_local, region_name="us-east-1")
    drop_tables(client, [environment.config.table_name(spec) for spec in catalog.TABLES])
    created = create_environment_tables(client, environment.config)
    try:
        yield client, created
    finally:
        for table in created:
            client.update_table(TableName=table.table_name, DeletionProtectionEnabled=False)
            client.delete_table(TableName=table.table_name)


@pytest.mark.integration
def test_local_tables_match_the_template(environment, local_tables):
    client, created = local_tables
    assert all(table.created for table in created), "names collided with another test's tables"
    template = {
        resource["Properties"]["TableName"]: _template_view(resource["Properties"])
        for _, resource in environment.resources("AWS::DynamoDB::GlobalTable").values()
    }
    assert set(template) == {table.table_name for table in created}
    for name, expected in template.items():
        assert _local_view(client, name) == expected, name

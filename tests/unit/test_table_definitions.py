"""Local/test tables built from the catalog carry its keys, indexes and TTL."""

from __future__ import annotations

import pytest
from moto import mock_aws

import catalog
from ddbctl.table_definitions import TableOptions, create_table, create_table_arguments


@pytest.mark.parametrize("spec", catalog.TABLES, ids=lambda s: s.key)
def test_created_table_matches_the_spec(spec, moto_client):
    with mock_aws():
        client = moto_client
        assert create_table(client, spec, table_name=f"t-{spec.base_name}") is True
        table = client.describe_table(TableName=f"t-{spec.base_name}")["Table"]
        assert table["KeySchema"][0]["AttributeName"] == spec.partition_key.name
        indexes = {i["IndexName"] for i in table.get("GlobalSecondaryIndexes", [])}
        assert indexes == {index.name for index in spec.global_indexes}
        ttl = client.describe_time_to_live(TableName=f"t-{spec.base_name}")
        ttl = ttl["TimeToLiveDescription"]
        if spec.ttl_attribute:
            assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": spec.ttl_attribute}
        else:
            assert ttl["TimeToLiveStatus"] == "DISABLED"
        assert create_table(client, spec, table_name=f"t-{spec.base_name}") is False


def test_arguments_define_each_key_attribute_once():
    arguments = create_table_arguments(
        catalog.table("market_intelligence_requests"),
        table_name="x",
        options=TableOptions(deletion_protection=True),
    )
    names = [a["AttributeName"] for a in arguments["AttributeDefinitions"]]
    assert len(names) == len(set(names)) == 7
    assert arguments["DeletionProtectionEnabled"] is True

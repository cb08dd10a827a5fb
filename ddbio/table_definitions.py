"""Catalog spec -> boto3 ``CreateTable`` arguments, for DynamoDB Local and moto.

Deployed tables come from CDK; local and test tables come from here. Both read
the same catalog, and a parity test compares the two.
"""

from __future__ import annotations

from typing import Any

from catalog import TableSpec


def _key_schema(partition, sort) -> list[dict[str, str]]:
    schema = [{"AttributeName": partition.name, "KeyType": "HASH"}]
    if sort is not None:
        schema.append({"AttributeName": sort.name, "KeyType": "RANGE"})
    return schema


def create_table_arguments(
    spec: TableSpec, *, table_name: str, deletion_protection: bool = False
) -> dict[str, Any]:
    """On-demand ``CreateTable`` kwargs with the spec's keys, GSIs and projections."""
    indexes = []
    for index in spec.global_indexes:
        projection: dict[str, Any] = {"ProjectionType": index.projection.value}
        if index.non_key_attributes:
            projection["NonKeyAttributes"] = list(index.non_key_attributes)
        indexes.append(
            {
                "IndexName": index.name,
                "KeySchema": _key_schema(index.partition_key, index.sort_key),
                "Projection": projection,
            }
        )
    arguments: dict[str, Any] = {
        "TableName": table_name,
        "AttributeDefinitions": [
            {"AttributeName": attribute.name, "AttributeType": attribute.type.value}
            for attribute in spec.key_attributes()
        ],
        "KeySchema": _key_schema(spec.partition_key, spec.sort_key),
        "BillingMode": "PAY_PER_REQUEST",
        "DeletionProtectionEnabled": deletion_protection,
        "Tags": [{"Key": key, "Value": value} for key, value in spec.tags],
    }
    if indexes:
        arguments["GlobalSecondaryIndexes"] = indexes
    return arguments


def create_table(
    client: Any, spec: TableSpec, *, table_name: str, deletion_protection: bool = False
) -> bool:
    """Create the table and its TTL setting if missing; True if it was created."""
    try:
        client.describe_table(TableName=table_name)
        return False
    except client.exceptions.ResourceNotFoundException:
        pass
    client.create_table(
        **create_table_arguments(
            spec, table_name=table_name, deletion_protection=deletion_protection
        )
    )
    client.get_waiter("table_exists").wait(
        TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )
    if spec.ttl_attribute:
        client.update_time_to_live(
            TableName=table_name,
            TimeToLiveSpecification={"AttributeName": spec.ttl_attribute, "Enabled": True},
        )
    return True

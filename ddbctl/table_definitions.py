"""Catalog spec -> boto3 ``CreateTable`` arguments, for DynamoDB Local and moto.

Deployed tables come from CDK; local and test tables come from here. Both read
the same catalog, and a parity test compares the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from catalog import ProvisionedBilling, TableSpec


def _key_schema(partition, sort) -> list[dict[str, str]]:
    schema = [{"AttributeName": partition.name, "KeyType": "HASH"}]
    if sort is not None:
        schema.append({"AttributeName": sort.name, "KeyType": "RANGE"})
    return schema


def _throughput(capacity) -> dict[str, int]:
    return {"ReadCapacityUnits": capacity.read, "WriteCapacityUnits": capacity.write}


@dataclass(frozen=True)
class TableOptions:
    """What an environment, not the catalog, decides about a table made outside CDK.

    On-demand unless ``provisioned`` is given (its figures become fixed
    capacity: autoscaling is a deployed-table concern). ``kms_encryption`` asks
    for SSE with the AWS managed KMS key; endpoints without SSE ignore it.
    """

    deletion_protection: bool = False
    provisioned: ProvisionedBilling | None = None
    extra_tags: tuple[tuple[str, str], ...] = ()
    kms_encryption: bool = False


# A scratch or test table: no protection, on-demand, no extra tags, default encryption.
PLAIN = TableOptions()


def create_table_arguments(
    spec: TableSpec, *, table_name: str, options: TableOptions = PLAIN
) -> dict[str, Any]:
    """``CreateTable`` kwargs with the spec's keys, GSIs, projections and tags."""
    provisioned = options.provisioned
    indexes = []
    for index in spec.global_indexes:
        projection: dict[str, Any] = {"ProjectionType": index.projection.value}
        if index.non_key_attributes:
            projection["NonKeyAttributes"] = list(index.non_key_attributes)
        definition: dict[str, Any] = {
            "IndexName": index.name,
            "KeySchema": _key_schema(index.partition_key, index.sort_key),
            "Projection": projection,
        }
        if provisioned is not None:
            definition["ProvisionedThroughput"] = _throughput(provisioned.index)
        indexes.append(definition)
    arguments: dict[str, Any] = {
        "TableName": table_name,
        "AttributeDefinitions": [
            {"AttributeName": attribute.name, "AttributeType": attribute.type.value}
            for attribute in spec.key_attributes()
        ],
        "KeySchema": _key_schema(spec.partition_key, spec.sort_key),
        "BillingMode": "PAY_PER_REQUEST",
        "DeletionProtectionEnabled": options.deletion_protection,
        "Tags": [{"Key": key, "Value": value} for key, value in (*spec.tags, *options.extra_tags)],
    }
    if provisioned is not None:
        arguments["BillingMode"] = "PROVISIONED"
        arguments["ProvisionedThroughput"] = _throughput(provisioned.table)
    if indexes:
        arguments["GlobalSecondaryIndexes"] = indexes
    if options.kms_encryption:
        arguments["SSESpecification"] = {"Enabled": True, "SSEType": "KMS"}
    return arguments


def create_table(
    client: Any, spec: TableSpec, *, table_name: str, options: TableOptions = PLAIN
) -> bool:
    """Create the table and its TTL setting if missing; True if it was created."""
    try:
        client.describe_table(TableName=table_name)
        return False
    except client.exceptions.ResourceNotFoundException:
        pass
    client.create_table(**create_table_arguments(spec, table_name=table_name, options=options))
    client.get_waiter("table_exists").wait(
        TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )
    if spec.ttl_attribute:
        client.update_time_to_live(
            TableName=table_name,
            TimeToLiveSpecification={"AttributeName": spec.ttl_attribute, "Enabled": True},
        )
    return True

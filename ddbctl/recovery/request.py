"""The restore call: the catalog's billing and GSIs, and the environment's CMK.

Built as a plain dict so the exact request (RestoreDateTime,
SSESpecificationOverride, GlobalSecondaryIndexOverride: the fields moto
ignores) can be checked with botocore's Stubber.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from catalog import GlobalIndex, KeyAttribute, Projection, TableSpec
from ddbctl.environment_tables import expected_billing_mode, provisioned_billing
from ddbctl.recovery.point import BACKUP, LATEST, TIME, RestorePoint
from settings import EnvironmentConfig


def _key_schema(partition: KeyAttribute, sort: KeyAttribute | None) -> list[dict[str, str]]:
    schema = [{"AttributeName": partition.name, "KeyType": "HASH"}]
    if sort is not None:
        schema.append({"AttributeName": sort.name, "KeyType": "RANGE"})
    return schema


def _projection(index: GlobalIndex) -> dict[str, Any]:
    projection: dict[str, Any] = {"ProjectionType": index.projection.value}
    if index.projection is Projection.INCLUDE:
        projection["NonKeyAttributes"] = list(index.non_key_attributes)
    return projection


def index_overrides(spec: TableSpec, config: EnvironmentConfig) -> list[dict[str, Any]]:
    """Every catalog GSI; an index the source has but the catalog lacks is not restored."""
    billing = provisioned_billing(spec, config)
    overrides = []
    for index in spec.global_indexes:
        override: dict[str, Any] = {
            "IndexName": index.name,
            "KeySchema": _key_schema(index.partition_key, index.sort_key),
            "Projection": _projection(index),
        }
        if billing is not None:
            override["ProvisionedThroughput"] = {
                "ReadCapacityUnits": billing.index.read,
                "WriteCapacityUnits": billing.index.write,
            }
        overrides.append(override)
    return overrides


@dataclass(frozen=True)
class RestorePlan:
    """One restore's inputs: everything the request is built from, and what it reports."""

    spec: TableSpec
    config: EnvironmentConfig
    source_name: str
    target_name: str
    point: RestorePoint
    kms_key_arn: str

    def describe(self) -> str:
        return (
            f"restore {self.source_name} {self.point.describe()} into {self.target_name} "
            f"(encrypted with {self.kms_key_arn})"
        )


def restore_parameters(plan: RestorePlan) -> tuple[str, dict[str, Any]]:
    """(operation name, parameters) for RestoreTableToPointInTime or RestoreTableFromBackup."""
    spec, config, point = plan.spec, plan.config, plan.point
    parameters: dict[str, Any] = {
        "TargetTableName": plan.target_name,
        "BillingModeOverride": expected_billing_mode(spec, config),
        "SSESpecificationOverride": {
            "Enabled": True,
            "SSEType": "KMS",
            "KMSMasterKeyId": plan.kms_key_arn,
        },
    }
    overrides = index_overrides(spec, config)
    if overrides:
        parameters["GlobalSecondaryIndexOverride"] = overrides
    billing = provisioned_billing(spec, config)
    if billing is not None:
        parameters["ProvisionedThroughputOverride"] = {
            "ReadCapacityUnits": billing.table.read,
            "WriteCapacityUnits": billing.table.write,
        }
    if point.kind == BACKUP:
        return "restore_table_from_backup", {"BackupArn": point.backup_arn, **parameters}
    parameters["SourceTableName"] = plan.source_name
    if point.kind == TIME:
        parameters["RestoreDateTime"] = point.time
    elif point.kind == LATEST:
        parameters["UseLatestRestorableTime"] = True
    return "restore_table_to_point_in_time", parameters

"""The catalog's tables for one environment, as the deployed stacks define them.

``local up`` creates them from here and ``verify`` checks against the same
rules, so a local table and a deployed one are judged by one definition:
billing from ``provisioned_capacity``, deletion protection from config, the
spec's tags plus ``Environment``, SSE with KMS, PITR with the config's window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

import catalog
from catalog import ProvisionedBilling, TableSpec
from catalog.deployment import TableDeployment, table_deployment
from ddbctl.table_definitions import TableOptions, create_table
from settings import EnvironmentConfig

# What DynamoDB Local answers for operations it does not implement (PITR, tagging).
UNSUPPORTED_ERROR_CODES = frozenset({"UnknownOperationException"})


def is_unsupported(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in UNSUPPORTED_ERROR_CODES


def deployment(spec: TableSpec, config: EnvironmentConfig) -> TableDeployment:
    """``config``'s billing and tags for ``spec``: the rule ``DataTable`` deploys."""
    return table_deployment(
        spec, environment_name=config.name, provisioned_capacity=config.provisioned_capacity
    )


def provisioned_billing(spec: TableSpec, config: EnvironmentConfig) -> ProvisionedBilling | None:
    """The capacity ``config`` provisions ``spec`` with, or None for on-demand."""
    return deployment(spec, config).provisioned


def expected_billing_mode(spec: TableSpec, config: EnvironmentConfig) -> str:
    return deployment(spec, config).billing_mode


def expected_tags(spec: TableSpec, config: EnvironmentConfig) -> dict[str, str]:
    return dict(deployment(spec, config).tags)


@dataclass(frozen=True)
class CreatedTable:
    spec: TableSpec
    table_name: str
    created: bool
    pitr: bool | None  # None: the endpoint has no PITR (DynamoDB Local)


def enable_pitr(client: Any, table_name: str, *, days: int) -> bool | None:
    """Turn PITR on where the endpoint supports it; None where it does not."""
    try:
        client.update_continuous_backups(
            TableName=table_name,
            PointInTimeRecoverySpecification={
                "PointInTimeRecoveryEnabled": True,
                "RecoveryPeriodInDays": days,
            },
        )
    except ClientError as error:
        if is_unsupported(error):
            return None
        raise
    return True


def create_environment_tables(client: Any, config: EnvironmentConfig) -> list[CreatedTable]:
    """Create every missing catalog table of ``config``; existing tables are left alone."""
    results = []
    for spec in catalog.TABLES:
        table_name = config.table_name(spec)
        rules = deployment(spec, config)
        created = create_table(
            client,
            spec,
            table_name=table_name,
            options=TableOptions(
                deletion_protection=config.deletion_protection,
                provisioned=rules.provisioned,
                extra_tags=rules.environment_tags,
                kms_encryption=True,
            ),
        )
        pitr = enable_pitr(client, table_name, days=config.pitr_recovery_days) if created else None
        results.append(CreatedTable(spec=spec, table_name=table_name, created=created, pitr=pitr))
    return results


def count_items(client: Any, table_name: str) -> int:
    """Exact item count. ``Select=COUNT`` counts one 1 MB page per call, so paginate."""
    paginator = client.get_paginator("scan")
    return sum(page["Count"] for page in paginator.paginate(TableName=table_name, Select="COUNT"))


@dataclass(frozen=True)
class TableSummary:
    table_name: str
    key: str
    indexes: tuple[str, ...]
    ttl: str | None
    items: int | None  # None: the table does not exist on this endpoint


def summarize(client: Any, config: EnvironmentConfig) -> list[TableSummary]:
    summaries = []
    for spec in catalog.TABLES:
        table_name = config.table_name(spec)
        try:
            items: int | None = count_items(client, table_name)
        except client.exceptions.ResourceNotFoundException:
            items = None
        key = spec.partition_key.name + (f" + {spec.sort_key.name}" if spec.sort_key else "")
        summaries.append(
            TableSummary(
                table_name=table_name,
                key=key,
                indexes=tuple(index.name for index in spec.global_indexes),
                ttl=spec.ttl_attribute,
                items=items,
            )
        )
    return summaries

"""Reusable constructs: the public names another CDK app imports, all from here.

Not named ``constructs`` so the library of that name stays importable. The
table model (``TableSpec`` and its parts) is re-exported from ``catalog.model``,
so a second app needs this one module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from catalog.model import (
    AttributeType,
    GlobalIndex,
    KeyAttribute,
    Projection,
    TableSpec,
)
from cdk_constructs.alarm_topic import AlarmTopic
from cdk_constructs.daily_backup_plan import DailyBackupPlan
from cdk_constructs.data_key import DataKey
from cdk_constructs.data_table import DataTable
from cdk_constructs.operations_dashboard import OperationsDashboard
from cdk_constructs.table_alarms import TableAlarms
from cdk_constructs.table_safety import TableSafety, safe_table

if TYPE_CHECKING:
    from cdk_constructs.bulk_load_bucket import BulkLoadBucket

__all__ = [
    "AlarmTopic",
    "AttributeType",
    "BulkLoadBucket",
    "DailyBackupPlan",
    "DataKey",
    "DataTable",
    "GlobalIndex",
    "KeyAttribute",
    "OperationsDashboard",
    "Projection",
    "TableAlarms",
    "TableSafety",
    "TableSpec",
    "safe_table",
]


def __getattr__(name: str) -> Any:
    """``BulkLoadBucket`` loads on first use: its ``aws_s3`` import would otherwise cost
    every synth, and most environments have no bucket."""
    if name == "BulkLoadBucket":
        from cdk_constructs.bulk_load_bucket import BulkLoadBucket

        return BulkLoadBucket
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

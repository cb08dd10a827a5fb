"""Reusable constructs. Not named ``constructs`` so the library of that name stays importable."""

from cdk_constructs.alarm_topic import AlarmTopic
from cdk_constructs.bulk_load_bucket import BulkLoadBucket
from cdk_constructs.daily_backup_plan import DailyBackupPlan
from cdk_constructs.data_key import DataKey
from cdk_constructs.data_table import DataTable
from cdk_constructs.operations_dashboard import OperationsDashboard
from cdk_constructs.table_alarms import TableAlarms

__all__ = [
    "AlarmTopic",
    "BulkLoadBucket",
    "DailyBackupPlan",
    "DataKey",
    "DataTable",
    "OperationsDashboard",
    "TableAlarms",
]

"""The environment's operations: alarm topic, dashboard, and the backup plan."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_kms as kms
from constructs import Construct

from catalog import TableSpec
from cdk_constructs import AlarmTopic, DailyBackupPlan, OperationsDashboard, TableAlarms
from stacks.application_data import ApplicationData
from stacks.data_layer_stack import DataLayerStack


class Operations(Construct):
    """What one environment's operators use: the alarm topic, a dashboard, backups.

    Each table's alarms and backup selection sit beside its table (in the
    application's construct), so the tree reads by application.
    """

    def __init__(
        self,
        stack: DataLayerStack,
        construct_id: str,
        *,
        encryption_key: kms.IKey,
        specs: Sequence[TableSpec],
    ) -> None:
        """``specs`` are the tables the environment holds: the dashboard shows those."""
        super().__init__(stack, construct_id)
        config = stack.config
        self.config = config
        self.alarm_topic = AlarmTopic(
            self,
            "AlarmTopic",
            environment_name=config.name,
            encryption_key=encryption_key,
            emails=config.alarms.emails,
        )
        self.topic = self.alarm_topic.topic
        self.backup: DailyBackupPlan | None = None
        if config.backup_retention_days is not None:
            self.backup = DailyBackupPlan(
                self,
                "Backup",
                environment_name=config.name,
                encryption_key=encryption_key,
                retention_days=config.backup_retention_days,
                notification_topic=self.alarm_topic,
            )
        self.dashboard = OperationsDashboard(
            self,
            "Dashboard",
            dashboard_name=f"{config.name}-dynamodb",
            tables=[(config.table_name(spec), spec) for spec in specs],
            period_minutes=config.alarms.period_minutes,
        )

    def operate(self, application: ApplicationData) -> None:
        """Give every table of ``application`` its alarms and, where required, a backup."""
        for data_table in application.tables.values():
            TableAlarms(
                application,
                f"{data_table.spec.construct_id}Alarms",
                data_table=data_table,
                settings=self.config.alarms,
                topic=self.topic,
            )
        if self.backup is not None:
            self.backup.select(
                application,
                "BackupSelection",
                name=f"{self.config.name}-{application.application}-tables",
                tables=[data_table.table for data_table in application.tables.values()],
            )

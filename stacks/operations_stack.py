"""The environment's operations: alarm topic, dashboard, and the backup plan.

Application stacks import the topic and (where there is one) the backup plan
from here; their alarms and backup selections stay beside their tables, so no
table ARN or name crosses a stack boundary and deploy order is simply
key -> operations -> applications.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_kms as kms
from constructs import Construct

from catalog import TableSpec
from cdk_constructs import AlarmTopic, DailyBackupPlan, OperationsDashboard, TableAlarms
from settings import EnvironmentConfig
from stacks.application_stack import ApplicationDataStack
from stacks.environment_stack import EnvironmentStack


class OperationsStack(EnvironmentStack):
    """Holds what one environment's operators use: the alarm topic, a dashboard, backups."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        encryption_key: kms.IKey,
        specs: Sequence[TableSpec],
    ) -> None:
        """``specs`` are the tables the environment's application stacks hold: the
        dashboard shows those (by name only), not the whole catalog."""
        super().__init__(
            scope,
            construct_id,
            config=config,
            description="alarm topic, dashboard and backups of the DynamoDB tables",
        )
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
        )

    def operate(self, application: ApplicationDataStack) -> None:
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

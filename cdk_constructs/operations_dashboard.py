"""A small CloudWatch dashboard: throttles and consumed capacity per table."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from catalog import TableSpec
from cdk_constructs.table_alarms import dynamodb_metric
from settings.operations import AlarmSettings

# The alarms' default period; pass the environment's ``alarms.period_minutes``.
DEFAULT_PERIOD_MINUTES: int = AlarmSettings.model_fields["period_minutes"].default


class OperationsDashboard(Construct):
    """One row per table: throttle events (table and indexes) and consumed capacity.

    Takes physical table names rather than table constructs so the dashboard
    can live in the operations stack without importing anything from the
    application stacks (which import the alarm topic from it).

    Parameters
    ----------
    dashboard_name:
        CloudWatch dashboard name.
    tables:
        ``(physical table name, catalog spec)`` for every table to show.
    period_minutes:
        The graphs' period: the alarms' own, so a graph shows what an alarm sees.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        dashboard_name: str,
        tables: Sequence[tuple[str, TableSpec]],
        period_minutes: int = DEFAULT_PERIOD_MINUTES,
    ) -> None:
        super().__init__(scope, construct_id)
        period = Duration.minutes(period_minutes)

        def metric(metric_name: str, table_name: str, index: str | None = None):
            return dynamodb_metric(
                metric_name,
                table_name=table_name,
                period=period,
                index=index,
                label=f"{index or 'table'} {metric_name}",
            )

        self.dashboard = cloudwatch.Dashboard(
            self, "Dashboard", dashboard_name=dashboard_name, default_interval=Duration.hours(3)
        )
        for table_name, spec in tables:
            scopes = [None, *(index.name for index in spec.global_indexes)]
            self.dashboard.add_widgets(
                cloudwatch.GraphWidget(
                    title=f"{table_name}: throttle events",
                    left=[
                        metric(f"{kind}ThrottleEvents", table_name, index)
                        for index in scopes
                        for kind in ("Read", "Write")
                    ],
                    width=12,
                ),
                cloudwatch.GraphWidget(
                    title=f"{table_name}: consumed capacity units (per {period_minutes} minutes)",
                    left=[metric("ConsumedReadCapacityUnits", table_name)],
                    right=[metric("ConsumedWriteCapacityUnits", table_name)],
                    width=12,
                ),
            )

"""A small CloudWatch dashboard: throttles and consumed capacity per table."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from catalog import TableSpec

NAMESPACE = "AWS/DynamoDB"


def _metric(metric_name: str, table_name: str, index: str | None = None) -> cloudwatch.Metric:
    dimensions = {"TableName": table_name}
    if index is not None:
        dimensions["GlobalSecondaryIndexName"] = index
    return cloudwatch.Metric(
        namespace=NAMESPACE,
        metric_name=metric_name,
        dimensions_map=dimensions,
        statistic="Sum",
        period=Duration.minutes(5),
        label=f"{index or 'table'} {metric_name}",
    )


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
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        dashboard_name: str,
        tables: Sequence[tuple[str, TableSpec]],
    ) -> None:
        super().__init__(scope, construct_id)
        self.dashboard = cloudwatch.Dashboard(
            self, "Dashboard", dashboard_name=dashboard_name, default_interval=Duration.hours(3)
        )
        for table_name, spec in tables:
            scopes = [None, *(index.name for index in spec.global_indexes)]
            self.dashboard.add_widgets(
                cloudwatch.GraphWidget(
                    title=f"{table_name}: throttle events",
                    left=[
                        _metric(f"{kind}ThrottleEvents", table_name, index)
                        for index in scopes
                        for kind in ("Read", "Write")
                    ],
                    width=12,
                ),
                cloudwatch.GraphWidget(
                    title=f"{table_name}: consumed capacity units (per 5 minutes)",
                    left=[_metric("ConsumedReadCapacityUnits", table_name)],
                    right=[_metric("ConsumedWriteCapacityUnits", table_name)],
                    width=12,
                ),
            )

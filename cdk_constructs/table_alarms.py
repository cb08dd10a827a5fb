"""CloudWatch alarms for one table and each of its global secondary indexes."""

from __future__ import annotations

import hashlib

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns
from constructs import Construct

from catalog import Capacity
from cdk_constructs.data_table import DataTable
from settings.operations import SYSTEM_ERROR_OPERATIONS, AlarmRule, AlarmSettings

__all__ = ["SYSTEM_ERROR_OPERATIONS", "TableAlarms", "alarm_name", "dynamodb_metric"]

NAMESPACE = "AWS/DynamoDB"
TABLE_SCOPE = "table"


MAX_ALARM_NAME = 255  # CloudWatch's limit; a long table_names override can pass it


def alarm_name(full: str) -> str:
    """``full`` when it fits; else cut, with a hash of the whole name so each stays unique
    and stable between synths. The alarm's description still names the table."""
    if len(full) <= MAX_ALARM_NAME:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:10]
    return f"{full[: MAX_ALARM_NAME - len(digest) - 1]}-{digest}"


def dynamodb_metric(
    metric_name: str,
    *,
    table_name: str,
    period: Duration,
    index: str | None = None,
    dimensions: dict[str, str] | None = None,
    label: str | None = None,
) -> cloudwatch.Metric:
    """One AWS/DynamoDB metric (Sum per period) of a table, or of one of its indexes.

    The alarms and the dashboard both build their metrics here, so a graph shows
    exactly what an alarm watches.
    """
    dimensions_map = {"TableName": table_name, **(dimensions or {})}
    if index is not None:
        dimensions_map["GlobalSecondaryIndexName"] = index
    return cloudwatch.Metric(
        namespace=NAMESPACE,
        metric_name=metric_name,
        dimensions_map=dimensions_map,
        statistic="Sum",
        period=period,
        label=label,
    )


class TableAlarms(Construct):
    """Throttle, system-error and (when provisioned) capacity alarms for one table.

    * Read/WriteThrottleEvents on the table, and on every index unless
      ``settings.index_throttles`` is off.
    * SystemErrors on the table, summed over ``settings.system_error_operations``
      (none: no alarm). CloudWatch has no per-index SystemErrors; a failing Query
      on an index is counted under the table's Query operation.
    * Provisioned tables: consumed units per second against the autoscaling
      maximum, for the table and every index. Near the maximum autoscaling
      cannot add more, so this warns before throttling starts.

    Every alarm notifies ``topic`` when it fires and when it recovers.
    ``alarms`` maps ``(scope, metric)`` to the alarm, where scope is
    ``"table"`` or the index name.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        data_table: DataTable,
        settings: AlarmSettings,
        topic: sns.ITopic,
    ) -> None:
        super().__init__(scope, construct_id)
        self._data_table = data_table
        # Read once: every metric names the table, and each read is a call into jsii.
        self._table_name_ref = data_table.table.table_name
        self._settings = settings
        self._period = Duration.minutes(settings.period_minutes)
        self._action = actions.SnsAction(topic)
        self.alarms: dict[tuple[str, str], cloudwatch.Alarm] = {}

        ceiling = data_table.autoscaling_ceiling
        self._add_scope(self, TABLE_SCOPE, ceiling.table if ceiling else None)
        if settings.system_error_operations:
            self._add_system_errors()
        for index in data_table.spec.global_indexes if settings.index_throttles else ():
            self._add_scope(
                Construct(self, index.name), index.name, ceiling.index if ceiling else None
            )

    def _add_scope(self, parent: Construct, scope: str, maximum: Capacity | None) -> None:
        for kind in ("Read", "Write"):
            metric_name = f"{kind}ThrottleEvents"
            self._alarm(
                parent,
                scope,
                metric_name,
                metric=self._metric(metric_name, scope),
                rule=self._settings.throttles,
                threshold=self._settings.throttles.threshold,
                description=self._throttle_description(kind, scope),
            )
        if maximum is None:
            return
        for kind, units in (("Read", maximum.read), ("Write", maximum.write)):
            metric_name = f"Consumed{kind}CapacityUnits"
            percent = self._settings.consumed_capacity.threshold
            self._alarm(
                parent,
                scope,
                metric_name,
                metric=cloudwatch.MathExpression(
                    expression="consumed / PERIOD(consumed)",
                    using_metrics={"consumed": self._metric(metric_name, scope)},
                    label=f"{metric_name} per second",
                    period=self._period,
                ),
                rule=self._settings.consumed_capacity,
                threshold=round(units * percent / 100, 2),
                description=(
                    f"{self._where(scope)} consumes at least {percent:g}% of its autoscaling "
                    f"maximum of {units} {kind.lower()} capacity units per second; autoscaling "
                    "cannot add more, so raise autoscaling_max_multiplier before it throttles."
                ),
            )

    def _throttle_description(self, kind: str, scope: str) -> str:
        where = f"{kind}s on {self._where(scope)} were throttled."
        if self._data_table.is_provisioned:
            return f"{where} Check whether autoscaling reached its maximum."
        cap = self._data_table.max_request_units
        if cap is None:
            return f"{where} On-demand: look for a hot partition key."
        return (
            f"{where} On-demand, capped at {cap} {kind.lower()} request units per second "
            "(max_request_units): a client above the cap is throttled by design. Find the "
            "client, or raise max_request_units in cdk.json; else look for a hot partition key."
        )

    def _add_system_errors(self) -> None:
        self._alarm(
            self,
            TABLE_SCOPE,
            "SystemErrors",
            metric=self._system_errors_sum(),
            rule=self._settings.system_errors,
            threshold=self._settings.system_errors.threshold,
            description=(
                f"DynamoDB returned HTTP 500 errors for {self._where(TABLE_SCOPE)} (including "
                "queries on its indexes). Check the AWS Health Dashboard; clients retry these."
            ),
        )

    def _system_errors_sum(self) -> cloudwatch.MathExpression:
        """SystemErrors summed over the operations, each missing point read as 0.

        CloudWatch publishes a SystemErrors point only for an operation that had
        errors in the period, and arithmetic over a missing point yields no point:
        a plain ``a + b + ...`` (what CDK's ``metric_system_errors_for_operations``
        builds) would go quiet when just one operation fails. FILL keeps the sum.
        """
        metrics = {
            operation.lower(): dynamodb_metric(
                "SystemErrors",
                table_name=self._table_name_ref,
                period=self._period,
                dimensions={"Operation": operation},
            )
            for operation in self._settings.system_error_operations
        }
        return cloudwatch.MathExpression(
            expression=" + ".join(f"FILL({name}, 0)" for name in metrics),
            using_metrics=metrics,
            period=self._period,
            label="SystemErrors summed over the operations in use",
        )

    def _metric(self, metric_name: str, scope: str) -> cloudwatch.Metric:
        return dynamodb_metric(
            metric_name,
            table_name=self._table_name_ref,
            period=self._period,
            index=None if scope == TABLE_SCOPE else scope,
        )

    def _where(self, scope: str) -> str:
        name = self._data_table.table_name
        return name if scope == TABLE_SCOPE else f"index {scope} of {name}"

    def _alarm(
        self,
        parent: Construct,
        scope: str,
        metric_name: str,
        *,
        metric: cloudwatch.IMetric,
        rule: AlarmRule,
        threshold: float,
        description: str,
    ) -> None:
        name_scope = "" if scope == TABLE_SCOPE else f"{scope}-"
        alarm = cloudwatch.Alarm(
            parent,
            metric_name,
            alarm_name=alarm_name(f"{self._data_table.table_name}-{name_scope}{metric_name}"),
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            evaluation_periods=rule.evaluation_periods,
            datapoints_to_alarm=rule.datapoints_to_alarm,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            # DynamoDB publishes these only when something happened.
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)
        self.alarms[(scope, metric_name)] = alarm

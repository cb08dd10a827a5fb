"""Operational settings: alarm thresholds and where alarms are sent.

Kept apart from :mod:`settings.environment` so the table settings stay short;
``EnvironmentConfig.alarms`` holds one :class:`AlarmSettings` per environment.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Deliberately loose: SNS checks the address by mailing a confirmation link; we
# only catch typos such as a missing "@" or domain before deploy time.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
# CloudWatch: EvaluationPeriods x Period may not exceed one day.
MAX_EVALUATION_MINUTES = 24 * 60
# Throttle events and system errors are counts per period. A threshold above this
# would need more than 3,000 failed requests a second over a 5-minute period to fire:
# a typo (1e308), not a choice.
MAX_COUNT_THRESHOLD = 1_000_000
# The DynamoDB operations a SystemErrors alarm can sum: CloudWatch publishes
# SystemErrors per (TableName, Operation) only, and refuses metric-math alarms over
# more than 10 metrics. The PartiQL operations and GetRecords (no table has a
# stream) are left out.
SYSTEM_ERROR_OPERATIONS = (
    "GetItem",
    "BatchGetItem",
    "Query",
    "Scan",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
    "TransactGetItems",
    "TransactWriteItems",
)
# What the applications call (seeds 001-004, ddbctl and the seeder): each operation
# costs one billed alarm metric per table, so the ones nothing calls are left out.
OPERATIONS_IN_USE = ("GetItem", "Query", "Scan", "PutItem", "UpdateItem", "BatchWriteItem")


class AlarmRule(BaseModel):
    """When one kind of alarm fires: ``datapoints_to_alarm`` of the last
    ``evaluation_periods`` periods at or above ``threshold``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # allow_inf_nan=False: Infinity or NaN would make an alarm that can never fire.
    threshold: float = Field(gt=0, le=MAX_COUNT_THRESHOLD, strict=True, allow_inf_nan=False)
    evaluation_periods: int = Field(ge=1, le=1440, strict=True)
    datapoints_to_alarm: int = Field(ge=1, le=1440, strict=True)

    @model_validator(mode="after")
    def _datapoints_fit(self) -> AlarmRule:
        if self.datapoints_to_alarm > self.evaluation_periods:
            raise ValueError(
                f"datapoints_to_alarm ({self.datapoints_to_alarm}) cannot exceed "
                f"evaluation_periods ({self.evaluation_periods}); lower it or raise "
                "evaluation_periods"
            )
        return self


class AlarmSettings(BaseModel):
    """Thresholds for the per-table and per-index alarms, and who gets told.

    The defaults here are the strict (prod) values; ``settings.loader`` relaxes
    them for dev and staging, and ``cdk.json`` may override any field.

    * ``throttles``: Read/WriteThrottleEvents (Sum per period).
    * ``system_errors``: SystemErrors summed over the operations (Sum per period).
    * ``consumed_capacity``: consumed units per second as a percent of the
      autoscaling maximum; only provisioned tables have it.
    * ``index_throttles``: throttle alarms on every index too, not only the table.
    * ``system_error_operations``: the operations the SystemErrors alarm sums; each
      is one billed alarm metric per table, and none means no SystemErrors alarm.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    period_minutes: int = Field(default=5, ge=1, le=60, strict=True)
    throttles: AlarmRule = AlarmRule(threshold=1, evaluation_periods=3, datapoints_to_alarm=2)
    system_errors: AlarmRule = AlarmRule(threshold=1, evaluation_periods=1, datapoints_to_alarm=1)
    consumed_capacity: AlarmRule = AlarmRule(
        threshold=80, evaluation_periods=3, datapoints_to_alarm=3
    )
    emails: tuple[str, ...] = ()
    index_throttles: bool = Field(default=True, strict=True)
    system_error_operations: tuple[str, ...] = OPERATIONS_IN_USE

    @field_validator("system_error_operations")
    @classmethod
    def _known_operations(cls, operations: tuple[str, ...]) -> tuple[str, ...]:
        for operation in operations:
            if operation not in SYSTEM_ERROR_OPERATIONS:
                valid = ", ".join(SYSTEM_ERROR_OPERATIONS)
                raise ValueError(f"{operation!r} is not a DynamoDB operation; use {valid}")
        duplicates = sorted({op for op in operations if operations.count(op) > 1})
        if duplicates:
            raise ValueError(f"{duplicates[0]!r} is listed twice; list each operation once")
        return operations

    @field_validator("emails")
    @classmethod
    def _emails_are_addresses(cls, emails: tuple[str, ...]) -> tuple[str, ...]:
        for email in emails:
            if not _EMAIL.match(email):
                raise ValueError(f"{email!r} is not an email address (name@example.com)")
        duplicates = sorted({email for email in emails if emails.count(email) > 1})
        if duplicates:
            raise ValueError(f"{duplicates[0]!r} is listed twice; list each address once")
        return emails

    @model_validator(mode="after")
    def _limits(self) -> AlarmSettings:
        if self.consumed_capacity.threshold > 100:
            raise ValueError(
                "consumed_capacity.threshold is a percent of the autoscaling maximum: "
                "use a value from 1 to 100"
            )
        for name in ("throttles", "system_errors", "consumed_capacity"):
            rule: AlarmRule = getattr(self, name)
            if rule.evaluation_periods * self.period_minutes > MAX_EVALUATION_MINUTES:
                raise ValueError(
                    f"{name}.evaluation_periods x period_minutes exceeds CloudWatch's one "
                    f"day limit ({MAX_EVALUATION_MINUTES} minutes); lower one of them"
                )
        return self

"""Alarm and backup settings: per-environment defaults, overrides, one-line errors."""

from __future__ import annotations

import pytest

from settings import ConfigError
from tests.settings_blocks import load, one_line_error


def test_backup_defaults_per_environment():
    assert load("prod").backup_retention_days == 35
    assert load("staging").backup_retention_days == 14
    dev = load("dev")
    assert dev.backup_retention_days is None and dev.backup_enabled is False
    assert load("staging").backup_enabled and load("prod").backup_enabled


def test_alarm_defaults_are_strict_in_prod_and_relaxed_in_dev():
    prod, staging, dev = (load(name).alarms for name in ("prod", "staging", "dev"))
    assert (prod.throttles.threshold, prod.throttles.datapoints_to_alarm) == (1, 2)
    assert prod.system_errors.evaluation_periods == 1
    assert prod.consumed_capacity.threshold == 80
    assert staging.throttles.threshold == 5 and staging.system_errors.datapoints_to_alarm == 2
    assert dev.throttles.threshold == 10 and dev.consumed_capacity.threshold == 90
    assert prod.emails == staging.emails == dev.emails == ()
    for alarms in (prod, staging, dev):
        assert alarms.period_minutes == 5


def test_a_partial_alarm_override_keeps_the_environment_defaults():
    alarms = load("dev", alarms={"throttles": {"threshold": 3}, "emails": ["ops@example.com"]})
    assert alarms.alarms.throttles.threshold == 3
    # The rest of dev's throttle rule and dev's other rules survive the override.
    assert alarms.alarms.throttles.evaluation_periods == 3
    assert alarms.alarms.system_errors.threshold == 5
    assert alarms.alarms.emails == ("ops@example.com",)


def test_dev_may_opt_into_backups():
    assert load("dev", backup_retention_days=7).backup_enabled


@pytest.mark.parametrize(
    ("name", "overrides", "message"),
    [
        (
            "staging",
            {"backup_retention_days": None},
            'staging tables must be in a daily backup plan: set "backup_retention_days"',
        ),
        (
            "prod",
            {"backup_retention_days": None},
            'prod tables must be in a daily backup plan: set "backup_retention_days"',
        ),
        (
            "prod",
            {"backup_retention_days": 7},
            'prod keeps daily backups for at least 35 days: raise "backup_retention_days"',
        ),
        ("dev", {"backup_retention_days": 0}, "environments.dev.backup_retention_days"),
        (
            "prod",
            {"alarms": {"emails": ["oncall-example.com"]}},
            "environments.prod.alarms.emails in cdk.json: 'oncall-example.com' is not an email",
        ),
        (
            "prod",
            {"alarms": {"emails": ["a@example.com", "a@example.com"]}},
            "'a@example.com' is listed twice",
        ),
        (
            "prod",
            {"alarms": {"throttles": {"datapoints_to_alarm": 5}}},
            "datapoints_to_alarm (5) cannot exceed evaluation_periods (3)",
        ),
        (
            "prod",
            {"alarms": {"consumed_capacity": {"threshold": 120}}},
            "consumed_capacity.threshold is a percent of the autoscaling maximum",
        ),
        (
            "prod",
            {"alarms": {"period_minutes": 60, "throttles": {"evaluation_periods": 25}}},
            "throttles.evaluation_periods x period_minutes exceeds CloudWatch's one day limit",
        ),
        ("prod", {"alarms": {"throttles": {"threshold": 0}}}, "alarms.throttles.threshold"),
        ("prod", {"alarms": {"period_minutes": 0}}, "alarms.period_minutes"),
        ("prod", {"alarms": {"sms": []}}, "environments.prod.alarms.sms in cdk.json: Extra"),
    ],
)
def test_invalid_operations_settings_fail_with_one_line(name, overrides, message):
    assert message in one_line_error(name, **overrides)


def test_dev_alarms_leave_out_index_throttles_and_system_errors_to_fit_its_budget():
    from settings.operations import OPERATIONS_IN_USE

    dev, staging, prod = (load(name).alarms for name in ("dev", "staging", "prod"))
    assert (dev.index_throttles, dev.system_error_operations) == (False, ())
    for alarms in (staging, prod):
        assert alarms.index_throttles is True
        assert alarms.system_error_operations == OPERATIONS_IN_USE


def test_system_error_operations_may_be_chosen_in_cdk_json():
    alarms = load("prod", alarms={"system_error_operations": ["GetItem", "DeleteItem"]}).alarms
    assert alarms.system_error_operations == ("GetItem", "DeleteItem")


@pytest.mark.parametrize(
    ("operations", "message"),
    [
        (["GetItem", "Get"], "'Get' is not a DynamoDB operation; use GetItem, BatchGetItem"),
        (["Query", "Query"], "'Query' is listed twice; list each operation once"),
    ],
)
def test_a_bad_system_error_operation_is_one_line(operations, message):
    with pytest.raises(ConfigError) as caught:
        load("prod", alarms={"system_error_operations": operations})
    assert str(caught.value).startswith("environments.prod.alarms.system_error_operations")
    assert message in str(caught.value)

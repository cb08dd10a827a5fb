"""Budgets and request-unit caps are per-environment settings with one-line errors."""

from __future__ import annotations

import pytest

from settings import ConfigError
from tests.settings_blocks import load


def test_budgets_default_to_what_issue_16_holds_each_environment_to():
    assert [load(name).monthly_budget_usd for name in ("dev", "staging", "prod")] == [3, 12, 30]


def test_on_demand_is_capped_in_dev_and_staging_and_uncapped_in_prod():
    assert load("dev").max_request_units == 10
    assert load("staging").max_request_units == 100
    assert load("prod").max_request_units is None


def test_cdk_json_may_change_a_budget_or_lift_a_cap():
    assert load("dev", monthly_budget_usd=5).monthly_budget_usd == 5
    assert load("dev", max_request_units=None).max_request_units is None
    assert load("prod", max_request_units=500).max_request_units == 500


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"monthly_budget_usd": 0},
            "environments.dev.monthly_budget_usd in cdk.json: Input should be greater than 0",
        ),
        (
            {"monthly_budget_usd": "3"},
            "environments.dev.monthly_budget_usd in cdk.json: Input should be a valid number",
        ),
        (
            {"max_request_units": 0},
            "environments.dev.max_request_units in cdk.json: Input should be greater than or "
            "equal to 1",
        ),
        (
            {"max_request_units": True},
            "environments.dev.max_request_units in cdk.json: Input should be a valid integer",
        ),
    ],
)
def test_a_bad_budget_or_cap_is_one_line_naming_the_setting(overrides, message):
    with pytest.raises(ConfigError) as caught:
        load("dev", **overrides)
    assert str(caught.value) == message

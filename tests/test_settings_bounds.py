"""Exact types and real bounds for settings (issue 14, items 6 and 8)."""

from __future__ import annotations

import pytest

from settings import ConfigError, load_environment
from settings.operations import MAX_COUNT_THRESHOLD
from settings.regions import DYNAMODB_REGIONS

BASE = {"account": "123456789012", "region": "us-east-1"}


def load(name: str, **overrides):
    return load_environment(name, {name: {**BASE, **overrides}})


@pytest.mark.parametrize(
    "account",
    [
        "\u0661" * 12,  # Arabic-Indic digit one
        "\uff11" * 12,  # full-width digit one
        "1" * 11 + "\u0661",
        "12345678901",
        "1234567890123",
    ],
    ids=["arabic-indic", "full-width", "one-arabic-digit", "11 digits", "13 digits"],
)
def test_an_account_id_is_twelve_ascii_digits(account):
    with pytest.raises(ConfigError) as caught:
        load("dev", account=account)
    assert str(caught.value).startswith("environments.dev.account in cdk.json:")


def test_a_role_arn_account_in_other_digits_is_refused():
    role = "arn:aws:iam::" + "\u0661" * 12 + ":role/reader"
    with pytest.raises(ConfigError, match="malformed role ARN"):
        load("dev", consumers={"trade-matching": {"existing_role": role}})


def test_a_role_name_in_other_letters_is_refused():
    with pytest.raises(ConfigError, match="is neither a role ARN nor a role name"):
        load("dev", consumers={"trade-matching": {"existing_role": "r\u00e9ader"}})


@pytest.mark.parametrize("region", ["xx-fake-9", "us-east-7", "US-EAST-1", "us-east-1 ", ""])
def test_a_region_must_be_a_real_dynamodb_region(region):
    with pytest.raises(ConfigError) as caught:
        load("dev", region=region)
    assert str(caught.value) == (
        f"environments.dev.region in cdk.json: {region!r} is not an AWS region with DynamoDB: "
        "use one such as us-east-1 or eu-west-1 (the list is botocore's, see settings/regions.py)"
    )


def test_real_regions_are_accepted():
    assert {"us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1"} <= DYNAMODB_REGIONS
    assert load("prod", region="eu-central-1").region == "eu-central-1"


@pytest.mark.parametrize(
    "threshold",
    [float("inf"), float("nan"), 1e308, MAX_COUNT_THRESHOLD + 1, 10**400, 0, -1, True],
    ids=["infinity", "nan", "1e308", "above the bound", "huge int", "zero", "negative", "bool"],
)
def test_alarm_thresholds_have_real_bounds(threshold):
    rule = {"threshold": threshold, "evaluation_periods": 3, "datapoints_to_alarm": 2}
    with pytest.raises(ConfigError) as caught:
        load("prod", alarms={"throttles": rule})
    assert str(caught.value).startswith("environments.prod.alarms.throttles.threshold in cdk.json")


def test_the_largest_count_threshold_is_accepted():
    rule = {"threshold": MAX_COUNT_THRESHOLD, "evaluation_periods": 3, "datapoints_to_alarm": 2}
    assert load("prod", alarms={"system_errors": rule}).alarms.system_errors.threshold == (
        MAX_COUNT_THRESHOLD
    )

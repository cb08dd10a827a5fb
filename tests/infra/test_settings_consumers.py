"""The ``consumers`` setting: existing roles and trusted principals, each mistake one line."""

from __future__ import annotations

import pytest

from catalog.consumers import CONSUMER_IDS
from settings import ConfigError, load_environment
from tests.infra.test_settings import BASE, app_exit

ACCOUNT = BASE["account"]


def load(consumers: dict) -> object:
    return load_environment("dev", {"dev": {**BASE, "consumers": consumers}})


def test_no_consumers_block_means_catalog_defaults():
    config = load_environment("dev", {"dev": BASE})
    assert config.consumers == {}
    for consumer_id in CONSUMER_IDS:
        settings = config.consumer(consumer_id)
        assert settings.existing_role is None and settings.trusted_principal is None


@pytest.mark.parametrize(
    "settings",
    [
        {"existing_role": f"arn:aws:iam::{ACCOUNT}:role/assessment-center-backend"},
        {"existing_role": f"arn:aws:iam::{ACCOUNT}:role/service/team/backend"},
        {"existing_role": "assessment-center-backend"},
        {"existing_role": "a+b=c,d.e@f_g-h"},
        {"trusted_principal": "lambda.amazonaws.com"},
        {"trusted_principal": "bedrock-agentcore.amazonaws.com"},
        {"trusted_principal": "arn:aws:iam::222222222222:role/deployer"},
        {"trusted_principal": "arn:aws:iam::222222222222:root"},
        {"trusted_principal": "account"},
    ],
)
def test_valid_consumer_settings_are_kept(settings):
    config = load({"opportunity-analyzer": settings})
    assert config.consumer("opportunity-analyzer").model_dump(exclude_none=True) == settings


@pytest.mark.parametrize(
    ("consumers", "message"),
    [
        (
            {"portal": {}},
            "consumers has unknown consumer 'portal'; valid ids: " + ", ".join(CONSUMER_IDS),
        ),
        (
            {"opportunity-analyzer": {"existing_role": "arn:aws:iam::12345:role/x"}},
            "environments.dev.consumers.opportunity-analyzer.existing_role in cdk.json: "
            "malformed role ARN 'arn:aws:iam::12345:role/x': "
            "use arn:aws:iam::<account>:role/<name>",
        ),
        (
            {"opportunity-analyzer": {"existing_role": f"arn:aws:iam::{ACCOUNT}:user/x"}},
            "malformed role ARN",
        ),
        (
            {"trade-matching-portal": {"existing_role": "my role"}},
            "'my role' is neither a role ARN nor a role name",
        ),
        (
            {"trade-matching-portal": {"existing_role": "r" * 65}},
            "is neither a role ARN nor a role name",
        ),
        (
            {"trade-matching-portal": {"existing_role": "arn:aws:iam::999999999999:role/portal"}},
            "consumers.trade-matching-portal.existing_role is in account 999999999999, "
            f"not {ACCOUNT}",
        ),
        (
            {"agent-matching-server": {"trusted_principal": "ecs-tasks"}},
            "unsupported principal 'ecs-tasks': use a service (lambda.amazonaws.com)",
        ),
        (
            {"agent-matching-server": {"trusted_principal": "*"}},
            "unsupported principal '*'",
        ),
        (
            {
                "agent-matching-server": {
                    "existing_role": "server",
                    "trusted_principal": "ecs-tasks.amazonaws.com",
                }
            },
            "set existing_role or trusted_principal, not both",
        ),
        (
            {"agent-matching-server": {"role": "server"}},
            "environments.dev.consumers.agent-matching-server.role in cdk.json: Extra inputs",
        ),
    ],
)
def test_invalid_consumer_settings_fail_with_one_line(consumers, message):
    with pytest.raises(ConfigError) as caught:
        load(consumers)
    text = str(caught.value)
    assert message in text
    assert "\n" not in text


def test_app_rejects_an_unknown_consumer_with_one_line(tmp_path, capsys):
    environments = {"dev": {**BASE, "consumers": {"portal": {}}}}
    message = app_exit({"env": "dev", "environments": environments}, tmp_path, capsys)
    assert message.strip().splitlines() == [
        "error: consumers has unknown consumer 'portal'; valid ids: " + ", ".join(CONSUMER_IDS)
    ]

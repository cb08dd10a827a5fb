"""One physical table never belongs to two environments (issue 14, item 2)."""

from __future__ import annotations

import json

import pytest

from ddbctl.cli import main
from settings import CDK_JSON_VARIABLE, ConfigError, load_environment

ACCOUNT = {"account": "123456789012", "region": "us-east-1"}


def environments(**blocks: dict) -> dict:
    return {name: {**ACCOUNT, **block} for name, block in blocks.items()}


@pytest.mark.parametrize("asked", ["dev", "staging", "prod"])
def test_one_override_in_two_environments_of_one_account_is_refused(asked):
    adopt = {"table_names": {"agent-profiles": "agent-profiles"}}
    with pytest.raises(ConfigError) as caught:
        load_environment(asked, environments(dev=adopt, staging={}, prod=adopt))
    message = str(caught.value)
    assert "both name a table 'agent-profiles' in account 123456789012 us-east-1" in message
    assert "prod's agent-profiles" in message and "dev's agent-profiles" in message
    assert message.endswith("give one of them another name under table_names in cdk.json")
    assert "\n" not in message


def test_an_override_that_is_another_environments_default_is_refused():
    dev = {"table_names": {"agent-profiles": "prod-agent-profiles"}}
    with pytest.raises(ConfigError, match="dev and prod both name a table 'prod-agent-profiles'"):
        load_environment("prod", environments(dev=dev, prod={}))


def test_a_table_of_one_environment_named_as_another_table_of_another_is_refused():
    staging = {"table_names": {"agent-conversations": "prod-agent-profiles"}}
    with pytest.raises(ConfigError) as caught:
        load_environment("staging", environments(staging=staging, prod={}))
    assert "(staging's agent-conversations, prod's agent-profiles)" in str(caught.value)


@pytest.mark.parametrize(
    "other",
    [{"account": "210987654321"}, {"region": "eu-west-1"}],
    ids=["another account", "another region"],
)
def test_the_same_name_in_another_account_or_region_is_fine(other):
    adopt = {"table_names": {"agent-profiles": "agent-profiles"}}
    blocks = environments(staging=adopt, prod=adopt)
    blocks["prod"].update(other)
    for name in ("staging", "prod"):
        assert load_environment(name, blocks).table_names == {"agent-profiles": "agent-profiles"}


def test_default_names_in_one_account_do_not_collide():
    blocks = environments(dev={}, staging={}, prod={})
    assert load_environment("dev", blocks).account == load_environment("prod", blocks).account


def test_every_environment_is_validated_not_only_the_one_asked_for():
    with pytest.raises(ConfigError, match=r"environments\.prod\.account in cdk.json"):
        load_environment("dev", {"dev": ACCOUNT, "prod": {"account": "nope"}})


def test_a_block_for_an_unknown_environment_is_refused():
    with pytest.raises(ConfigError) as caught:
        load_environment("dev", {"dev": ACCOUNT, "prd": ACCOUNT})
    assert str(caught.value) == (
        "cdk.json \"environments\" has a block for 'prd', which is not an environment: "
        "name it dev, staging or prod, or remove it"
    )


def test_ddbctl_refuses_the_same_config(tmp_path, monkeypatch, capsys):
    adopt = {"table_names": {"agent-profiles": "agent-profiles"}}
    cdk_json = tmp_path / "cdk.json"
    cdk_json.write_text(
        json.dumps({"context": {"environments": environments(dev=adopt, prod=adopt)}})
    )
    monkeypatch.setenv(CDK_JSON_VARIABLE, str(cdk_json))
    for command in (["tables", "--env", "dev"], ["check-changes", "--env", "prod"]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        assert "dev and prod both name a table 'agent-profiles'" in err


def test_synth_fails_in_one_line(tmp_path, capsys):
    from tests.infra.test_settings import app_exit

    adopt = {"table_names": {"agent-profiles": "agent-profiles"}}
    context = {"env": "dev", "environments": environments(dev=adopt, prod=adopt)}
    message = app_exit(context, tmp_path, capsys)
    lines = [line for line in message.splitlines() if line.strip()]
    assert len(lines) == 1, message
    assert lines[0].startswith("error: dev and prod both name a table 'agent-profiles'")

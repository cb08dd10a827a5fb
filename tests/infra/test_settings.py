"""Configuration validation: each mistake fails with one line naming the fix."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from settings import ConfigError, load_environment, load_from_cdk_json
from tests.app_in_process import app_given
from tests.conftest import ROOT
from tests.settings_blocks import BASE, load, one_line_error


def test_defaults_are_safe_and_dev_relaxes_them():
    prod, staging, dev = load("prod"), load("staging"), load("dev")
    for protected in (prod, staging):
        assert protected.removal_policy == "retain"
        assert protected.deletion_protection is True
        assert protected.pitr_recovery_days == 35
        assert protected.seed_sample_data is False
    assert prod.provisioned_capacity and not staging.provisioned_capacity
    assert dev.removal_policy == "destroy" and dev.deletion_protection is False
    assert dev.seed_sample_data is True and dev.provisioned_capacity is False


def test_missing_env_defaults_to_dev():
    assert load_environment(None, {"dev": BASE}).name == "dev"


@pytest.mark.parametrize(
    ("name", "overrides", "message"),
    [
        ("prd", {}, "unknown environment 'prd': use --context env=dev, env=staging or env=prod"),
        (
            "prod",
            {"removal_policy": "destroy", "deletion_protection": False},
            'set "removal_policy": "retain" for prod',
        ),
        (
            "staging",
            {"removal_policy": "destroy", "deletion_protection": False},
            'set "removal_policy": "retain" for staging',
        ),
        (
            "dev",
            {"removal_policy": "destroy", "deletion_protection": True},
            "deletion_protection cannot be combined with removal_policy",
        ),
        ("prod", {"deletion_protection": False}, '"deletion_protection": true for prod'),
        ("prod", {"seed_sample_data": True}, "prod never gets sample data"),
        ("dev", {"account": ""}, "environments.dev.account in cdk.json"),
        ("dev", {"region": "mars"}, "environments.dev.region in cdk.json"),
        ("dev", {"pitr_recovery_days": 36}, "environments.dev.pitr_recovery_days"),
        ("dev", {"removal_policy": "keep"}, "environments.dev.removal_policy"),
        ("dev", {"tables": {}}, "environments.dev.tables in cdk.json: Extra inputs"),
        ("dev", {"table_names": {"nope": "x"}}, "unknown table 'nope'; valid keys:"),
        (
            "dev",
            {"table_names": {"agent-profiles": "bad name!"}},
            "table_names.agent-profiles 'bad name!' is not a DynamoDB table name",
        ),
        (
            "prod",
            {"table_names": {"agent-profiles": "prod-agent-conversations"}},
            "gives agent-conversations the name 'prod-agent-conversations', which agent-profiles",
        ),
        ("staging", {"seed_sample_data": "yes"}, "seed_sample_data in cdk.json: Input should"),
        ("dev", {"deletion_protection": "off"}, "deletion_protection in cdk.json: Input should"),
        ("prod", {"pitr_recovery_days": "35"}, "pitr_recovery_days in cdk.json: Input should"),
        (
            "prod",
            {"backup_retention_days": 3.5},
            "backup_retention_days in cdk.json: Input should be a valid integer",
        ),
        (
            "prod",
            {
                "alarms": {
                    "throttles": {
                        "threshold": "1",
                        "evaluation_periods": 3,
                        "datapoints_to_alarm": 2,
                    }
                }
            },
            "alarms.throttles.threshold in cdk.json: Input should be a valid number",
        ),
        ("", {}, "unknown environment '': use --context env=dev"),
        (
            "prod",
            {"pitr_recovery_days": 1},
            'prod keeps 35 days of point-in-time recovery: remove "pitr_recovery_days"',
        ),
    ],
)
def test_invalid_settings_fail_with_one_line(name, overrides, message):
    assert message in one_line_error(name, **overrides)


@pytest.mark.parametrize("environments", ["prod", ["prod"], 7])
def test_environments_that_are_not_an_object_are_one_line(environments):
    with pytest.raises(ConfigError) as caught:
        load_environment("prod", environments)
    text = str(caught.value)
    # The message may go on to point at the settings documentation; that part is prose.
    assert text.startswith(
        'cdk.json "context.environments" must be an object with a block per environment '
        "(dev, staging, prod)"
    )
    assert "\n" not in text


def test_missing_environment_block_names_the_fix():
    with pytest.raises(ConfigError, match=r'no "environments.staging" block: add one'):
        load_environment("staging", {"dev": BASE})


def test_table_name_override_adopts_an_existing_table():
    import catalog

    config = load("prod", table_names={"OpportunitySessions": "OpportunitySessions"})
    assert config.table_name(catalog.table("OpportunitySessions")) == "OpportunitySessions"
    assert config.table_name(catalog.table("agent-profiles")) == "prod-agent-profiles"


def test_cdk_json_environments_are_all_valid():
    for name in ("dev", "staging", "prod"):
        assert load_from_cdk_json(name).region == "us-east-1"


def test_unreadable_cdk_json_is_one_line(tmp_path):
    broken = tmp_path / "cdk.json"
    broken.write_text("{")
    with pytest.raises(ConfigError, match="is not valid JSON"):
        load_from_cdk_json("dev", path=broken)


def run_app(context: dict, tmp_path):
    """app.py in a child process (the jsii kernel reads context when it starts)."""
    env = {**os.environ, "CDK_CONTEXT_JSON": json.dumps(context), "CDK_OUTDIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def app_exit(context: dict, tmp_path, capsys) -> str:
    """What app.py exits with, run in this process on ``context``: the one stderr line its
    process prints. test_app_rejects_unknown_environment_with_one_line keeps the
    child-process path."""
    import app

    with app_given(context, tmp_path), pytest.raises(SystemExit) as stopped:
        app.main()
    assert capsys.readouterr().err == ""  # nothing printed besides the exit message
    assert isinstance(stopped.value.code, str)  # exit status 1, and this message on stderr
    return stopped.value.code


def test_app_rejects_unknown_environment_with_one_line(tmp_path):
    environments = json.loads((ROOT / "cdk.json").read_text())["context"]["environments"]
    result = run_app({"env": "prd", "environments": environments}, tmp_path)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [
        "error: unknown environment 'prd': use --context env=dev, env=staging or env=prod"
    ]


def test_app_rejects_destroy_in_prod_with_one_line(tmp_path, capsys):
    environments = {"prod": {**BASE, "removal_policy": "destroy", "deletion_protection": False}}
    message = app_exit({"env": "prod", "environments": environments}, tmp_path, capsys)
    assert message.strip().count("\n") == 0
    assert 'set "removal_policy": "retain" for prod' in message


def test_cdk_cli_synth_with_unknown_env_names_the_valid_ones(tmp_path):
    result = subprocess.run(
        ["cdk", "synth", "--context", "env=prd", "--output", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode != 0
    assert (
        "error: unknown environment 'prd': use --context env=dev, env=staging or env=prod"
        in result.stderr.splitlines()
    )


def test_app_reports_sample_data_that_does_not_fit_in_one_line(tmp_path, monkeypatch, capsys):
    """A bad sample item fails synth with a line naming it, not a traceback."""
    from catalog import samples
    from ddbio import seeding

    bad = dict(samples.SAMPLES)
    bad["OpportunitySessions"] = (
        {**samples.SAMPLES["OpportunitySessions"][0], "estimatedARR": "180000"},
    )
    monkeypatch.setitem(seeding.build_properties.__kwdefaults__, "samples", bad)
    environments = json.loads((ROOT / "cdk.json").read_text())["context"]["environments"]
    message = app_exit({"env": "dev", "environments": environments}, tmp_path, capsys)
    lines = [line for line in message.splitlines() if line.strip()]
    assert len(lines) == 1, message
    assert lines[0].startswith("error: 1 sample data problem(s): OpportunitySessions[0]: ")
    assert "'estimatedARR' must be N" in lines[0]
    assert lines[0].endswith("(fix catalog/samples/)")

"""Reading cdk.json: where it is found, and how its bytes become the settings both readers see."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ddbctl.cli import main
from settings import CDK_JSON_VARIABLE, ConfigError, load_from_cdk_json, locate_cdk_json
from settings import cdk_json as cdk_json_module
from settings.cdk_json import drop_null_members, parse_cdk_json
from tests.conftest import ROOT

ENVIRONMENTS = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"][
    "environments"
]


@pytest.fixture(autouse=True)
def _no_explicit_cdk_json(monkeypatch):
    monkeypatch.delenv(CDK_JSON_VARIABLE, raising=False)


def write_cdk_json(path: Path, environments: dict) -> Path:
    path.write_text(json.dumps({"app": "true", "context": {"environments": environments}}))
    return path


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"context": {"environments": {"dev": {"account": "\xff"}}}}', "is not UTF-8 (byte 0xff"),
        ('{"context": {}}'.encode("utf-16"), "is not UTF-8 (byte 0xff at offset 0)"),
        (b"[1, 2]", "holds an array, not an object"),
        (b'"cdk"', "holds a string, not an object"),
        (b'{"context": [1]}', '"context" is an array, not an object'),
        (b'{"context": "x"}', '"context" is a string, not an object'),
        (b'{"context": {"environments": {"dev": {"n": 1e400}}}}', "the number 1e400"),
        (b'{"context": {"environments": {"dev": {"n": -1E999}}}}', "the number -1E999"),
        (b'{"context": {"n": NaN}}', "has NaN, which is not JSON"),
        (b'{"context": {"n": Infinity}}', "has Infinity, which is not JSON"),
        (b"{", "is not valid JSON"),
        (b"[" * 100_000, "nested too deeply"),
    ],
)
def test_unreadable_cdk_json_is_one_line_naming_the_fix(data, message):
    with pytest.raises(ConfigError) as caught:
        parse_cdk_json(data, source="cdk.json")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "data",
    [
        b"\xff{}",
        b"[]",
        b'{"context": [1]}',
        b'{"context": {"environments": {"dev": {"account": "111111111111", "x": 1e400}}}}',
    ],
    ids=["non-utf8", "array", "context-array", "infinity"],
)
@pytest.mark.parametrize(
    "command",
    [
        ["tables"],
        ["verify", "--env", "dev"],
        ["seed", "--env", "dev"],
        ["query", "requests-by-user", "user_id=x"],
        ["check-changes", "--env", "dev"],
    ],
    ids=lambda command: command[0],
)
def test_every_command_refuses_a_broken_cdk_json_in_one_line(
    data, command, tmp_path, monkeypatch, capsys
):
    broken = tmp_path / "cdk.json"
    broken.write_bytes(data)
    monkeypatch.setenv(CDK_JSON_VARIABLE, str(broken))
    assert main(command) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"ddbctl {command[0]}: error: {broken}")


def test_null_members_are_dropped_at_any_depth_as_cdk_does():
    assert drop_null_members({"a": None, "b": [1, None, {"c": None}], "d": {"e": None}}) == {
        "b": [1, None, {}],
        "d": {},
    }


def test_null_in_cdk_json_means_the_default(tmp_path):
    environments = {"staging": {**ENVIRONMENTS["staging"], "backup_retention_days": None}}
    config = load_from_cdk_json("staging", path=write_cdk_json(tmp_path / "cdk.json", environments))
    assert config.backup_retention_days == 14


def test_both_readers_read_one_cdk_json_the_same_way(tmp_path):
    """The CDK CLI's path into app.py, and ddbctl's, on one cdk.json with nulls in it."""
    environments = {
        **ENVIRONMENTS,
        "staging": {
            **ENVIRONMENTS["staging"],
            "backup_retention_days": None,
            "alarms": {"throttles": {"threshold": None, "evaluation_periods": 4}},
        },
    }
    out = tmp_path / "probe.json"
    probe = tmp_path / "probe.py"
    # app.py's first lines, without the synth: what the app gets from the CDK CLI.
    probe.write_text(
        "import json, os, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "import aws_cdk as cdk\n"
        "from settings import load_environment\n"
        "app = cdk.App()\n"
        "config = load_environment(app.node.try_get_context('env'),"
        " app.node.try_get_context('environments'))\n"
        f"open({str(out)!r}, 'w').write(config.model_dump_json())\n"
        "app.synth()\n"
    )
    cdk_json = tmp_path / "cdk.json"
    cdk_json.write_text(
        json.dumps({"app": f"{sys.executable} {probe}", "context": {"environments": environments}})
    )
    result = subprocess.run(
        ["cdk", "synth", "--context", "env=staging", "--output", str(tmp_path / "out")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "CDK_DISABLE_CLI_TELEMETRY": "true"},
    )
    assert out.exists(), result.stderr
    from_cdk = json.loads(out.read_text())
    from_ddbctl = json.loads(load_from_cdk_json("staging", path=cdk_json).model_dump_json())
    assert from_cdk == from_ddbctl
    assert from_ddbctl["backup_retention_days"] == 14
    assert from_ddbctl["alarms"]["throttles"] == {
        "threshold": 5.0,
        "evaluation_periods": 4,
        "datapoints_to_alarm": 2,
    }


def test_explicit_cdk_json_is_used_from_anywhere(tmp_path, monkeypatch):
    environments = {"dev": {"account": "444444444444", "region": "eu-west-1"}}
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(
        CDK_JSON_VARIABLE, str(write_cdk_json(tmp_path / "other.json", environments))
    )
    assert load_from_cdk_json("dev").account == "444444444444"
    monkeypatch.setenv(CDK_JSON_VARIABLE, str(tmp_path))  # a directory means its cdk.json
    write_cdk_json(tmp_path / "cdk.json", {"dev": {"account": "555555555555"}})
    assert load_from_cdk_json("dev").account == "555555555555"


@pytest.mark.parametrize("value", ["", "nowhere/cdk.json"])
def test_explicit_cdk_json_that_is_not_a_file_is_one_line(value, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(CDK_JSON_VARIABLE, value)
    with pytest.raises(ConfigError) as caught:
        locate_cdk_json()
    assert str(caught.value) == (
        f"${CDK_JSON_VARIABLE} is {value!r}, which is not a cdk.json file: set it to the "
        "project's cdk.json (or its directory), or unset it"
    )


def test_the_checkout_cdk_json_is_found_from_any_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert locate_cdk_json() == ROOT / "cdk.json"


def test_without_a_checkout_the_current_directory_is_used(tmp_path, monkeypatch):
    monkeypatch.setattr(cdk_json_module, "CHECKOUT_CDK_JSON", tmp_path / "gone" / "cdk.json")
    monkeypatch.chdir(tmp_path)
    write_cdk_json(tmp_path / "cdk.json", {"dev": {"account": "666666666666"}})
    assert load_from_cdk_json("dev").account == "666666666666"


def test_no_cdk_json_anywhere_says_where_it_looked(tmp_path, monkeypatch, capsys):
    gone = tmp_path / "gone" / "cdk.json"
    monkeypatch.setattr(cdk_json_module, "CHECKOUT_CDK_JSON", gone)
    monkeypatch.chdir(tmp_path)
    assert main(["tables"]) == 2
    assert capsys.readouterr().err == (
        f"ddbctl tables: error: no cdk.json found (looked at {gone} and {tmp_path / 'cdk.json'}): "
        f"run ddbctl in the project's checkout, or set {CDK_JSON_VARIABLE}=/path/to/cdk.json\n"
    )

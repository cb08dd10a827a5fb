"""``ddbctl local up --backend moto`` makes the environment's data key alias, so a restore
rehearses locally exactly as the docs type it: no ``--kms-key``."""

from __future__ import annotations

import contextlib
import io

import boto3
import pytest

from catalog.naming import data_key_alias
from ddbctl.cli import main
from ddbctl.local_server import free_port


@pytest.fixture(scope="module")
def _server(tmp_path_factory):
    """One ``local up --backend moto`` for the module (a start costs about 1.5 s), with a
    state directory of its own; what ``up`` printed is kept for the first test."""
    state = str(tmp_path_factory.mktemp("moto-state"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DDBCTL_STATE_DIR", state)
        port = free_port()
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            assert main(["local", "up", "--port", str(port), "--backend", "moto"]) == 0
        try:
            yield f"http://127.0.0.1:{port}", port, printed.getvalue(), state
        finally:
            main(["local", "down", "--port", str(port)])


@pytest.fixture
def moto_up(_server, monkeypatch):
    """The module's server, with ddbctl's state directory pointing at its record."""
    endpoint, port, printed, state = _server
    monkeypatch.setenv("DDBCTL_STATE_DIR", state)
    return endpoint, port, printed


def test_restore_latest_works_with_no_kms_key_after_local_up(moto_up, capsys, monkeypatch):
    endpoint, port, out = moto_up
    assert f"data key {data_key_alias('dev')}: created" in out
    # As the docs type it: the variable `local up` prints, then the command, nothing more.
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
    assert main(["restore", "--env", "dev", "--table", "agent-profiles", "--latest"]) == 0
    kms = boto3.client("kms", region_name="us-east-1", endpoint_url=endpoint)
    key = kms.describe_key(KeyId=data_key_alias("dev"))["KeyMetadata"]["Arn"]
    assert f"(encrypted with {key})" in capsys.readouterr().out
    # A second `up` on the same server keeps the key: the alias still names it.
    assert main(["local", "up", "--port", str(port), "--backend", "moto", "--no-seed"]) == 0
    assert f"data key {data_key_alias('dev')}: already present" in capsys.readouterr().out
    assert kms.describe_key(KeyId=data_key_alias("dev"))["KeyMetadata"]["Arn"] == key


def test_without_the_alias_a_local_restore_says_how_to_get_it(moto_up, capsys):
    endpoint, _, _ = moto_up
    kms = boto3.client("kms", region_name="us-east-1", endpoint_url=endpoint)
    kms.delete_alias(AliasName=data_key_alias("dev"))
    argv = ["restore", "--env", "dev", "--table", "agent-profiles", "--latest"]
    assert main([*argv, "--endpoint-url", endpoint]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.endswith(
        "pass its ARN with --kms-key; to rehearse locally, run `ddbctl local up --env dev "
        "--backend moto`, which creates it"
    )

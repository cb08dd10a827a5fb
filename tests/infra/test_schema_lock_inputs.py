"""check-changes on inputs a careless user or an attacker hands it: one line, no traceback.

Templates come from a tiny cloud assembly written here (``--cdk-out``), so no
test synthesizes.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from ddbctl.cli import main
from schema_lock import LockError, read_lock
from schema_lock.lockfile import lock_path

TABLE = {
    "Type": "AWS::DynamoDB::GlobalTable",
    "Properties": {
        "TableName": "dev-things",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "TimeToLiveSpecification": {"AttributeName": "expires", "Enabled": True},
    },
}


@pytest.fixture
def cdk_out(tmp_path):
    """A `cdk synth --output` directory with one dev stack holding one table."""
    out = tmp_path / "cdk.out"
    out.mkdir()
    (out / "dev-things.template.json").write_text(json.dumps({"Resources": {"Things": TABLE}}))
    manifest = {
        "artifacts": {
            "dev-things": {
                "type": "aws:cloudformation:stack",
                "properties": {
                    "stackName": "dev-things",
                    "templateFile": "dev-things.template.json",
                },
            }
        }
    }
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out


def check_changes(cdk_out, *extra: str) -> int:
    return main(["check-changes", "--env", "dev", "--cdk-out", str(cdk_out), *extra])


def one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def test_update_lock_writes_a_lock_the_check_then_accepts(cdk_out, tmp_path, capsys):
    locks = tmp_path / "locks"
    assert check_changes(cdk_out, "--lock-dir", str(locks), "--update-lock") == 0
    assert check_changes(cdk_out, "--lock-dir", str(locks), "--strict") == 0
    assert "ok [dev] 1 tables match the lock" in capsys.readouterr().out
    assert [path.name for path in locks.iterdir()] == ["dev.json"]  # no partial file left


@pytest.mark.parametrize("update", [False, True], ids=["check", "update-lock"])
def test_a_lock_that_is_not_utf8_is_one_line(update, cdk_out, tmp_path, capsys):
    locks = tmp_path / "locks"
    locks.mkdir()
    lock = locks / "dev.json"
    lock.write_bytes('{"about": "caf\u00e9"}'.encode("utf-16"))
    extra = ["--update-lock"] if update else []
    assert check_changes(cdk_out, "--lock-dir", str(locks), *extra) == 2
    err = one_line(capsys)
    assert f"{lock} is not UTF-8 text (byte at offset 0): restore it with `git checkout" in err
    assert lock.read_bytes().startswith(b"\xff\xfe")  # not overwritten unseen


@pytest.mark.parametrize("update", [False, True], ids=["check", "update-lock"])
def test_a_lock_dir_that_is_a_file_is_one_line(update, cdk_out, tmp_path, capsys):
    not_a_dir = tmp_path / "table-locks"
    not_a_dir.write_text("x")
    extra = ["--update-lock"] if update else []
    assert check_changes(cdk_out, "--lock-dir", str(not_a_dir), *extra) == 2
    assert f"--lock-dir {not_a_dir} is a file, not a directory" in one_line(capsys)


@pytest.mark.parametrize(
    "ref", ["--output=/tmp/pwned", "-p", "HEAD:../../etc/passwd", "", "main branch", "HEAD\n"]
)
def test_a_baseline_ref_that_is_not_a_ref_is_refused_before_git_runs(ref, cdk_out, capsys):
    with pytest.raises(SystemExit) as caught:
        check_changes(cdk_out, f"--baseline-ref={ref}")
    assert caught.value.code == 2
    err = one_line(capsys)
    assert "is not a git ref: use a branch, tag or commit such as HEAD^1" in err


def test_git_show_gets_the_ref_after_end_of_options(cdk_out, tmp_path, monkeypatch, capsys):
    calls = []

    def fake_run(argv, **kwargs):
        calls.append(argv)
        return subprocess.CompletedProcess(argv, 128, "", "fatal: invalid object name 'x'")

    monkeypatch.setattr(subprocess, "run", fake_run)
    assert check_changes(cdk_out, "--baseline-ref", "origin/main~2") == 2
    assert calls[0][1:] == ["show", "--end-of-options", "origin/main~2:./dev.json"]
    assert "cannot read the lock at git ref 'origin/main~2'" in one_line(capsys)


LOCKED = {
    "global_indexes": {},
    "key_schema": [{"attribute": "pk", "key_type": "HASH", "type": "S"}],
    "local_indexes": {},
    "logical_id": "Things",
    "resource_type": "AWS::DynamoDB::GlobalTable",
    "stack": "dev-things",
    "table_name": "dev-things",
    "ttl": {"attribute": "expires", "enabled": True},
}


def write_lock_with(tmp_path, **changes) -> object:
    table = {**LOCKED, **changes}
    document = {"environment": "dev", "format": 1, "tables": {"dev-things/Things": table}}
    path = lock_path(tmp_path, "dev")
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_well_typed_lock_entry_reads_back(tmp_path):
    [table] = read_lock(write_lock_with(tmp_path), "dev").values()
    assert table.ttl is not None and table.ttl.enabled is True


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ttl": {"attribute": "expires", "enabled": "false"}}, "enabled must be true or false"),
        ({"ttl": {"attribute": "expires", "enabled": 0}}, "enabled must be true or false, not 0"),
        ({"ttl": "expires"}, 'ttl must be an object, not "expires"'),
        ({"key_schema": [{"attribute": "pk", "key_type": "hash", "type": "S"}]}, "key_type must"),
        ({"key_schema": [{"attribute": 1, "key_type": "HASH", "type": "S"}]}, "attribute must"),
        ({"key_schema": [{"attribute": "pk", "key_type": "HASH", "type": "X"}]}, "type must be"),
        ({"key_schema": {"pk": "HASH"}}, "key_schema must be an array"),
        ({"table_name": 7}, "table_name must be a string, not 7"),
        ({"resource_type": "AWS::S3::Bucket"}, "resource_type must be one of"),
        (
            {"global_indexes": {"ix": {"keys": [], "projection": "ALL", "non_key_attributes": 1}}},
            "non_key_attributes must be an array of strings",
        ),
    ],
)
def test_a_lock_entry_of_the_wrong_type_is_an_error(changes, message, tmp_path):
    with pytest.raises(LockError) as caught:
        read_lock(write_lock_with(tmp_path, **changes), "dev")
    text = str(caught.value)
    assert "is not a valid schema lock (dev-things/Things: " in text
    assert message in text
    assert "\n" not in text


def test_a_base_from_before_the_rename_is_judged_by_its_schema_lock_dir(cdk_out, tmp_path, capsys):
    """The pull request that renamed schema-lock/ to table-locks/ is still checked against
    its base's lock, not waved through as if every table were new."""

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
            cwd=repo,
            check=True,
            capture_output=True,
        )

    repo = tmp_path / "repo"
    repo.mkdir()
    git("init", "-q")
    assert check_changes(cdk_out, "--lock-dir", str(repo / "schema-lock"), "--update-lock") == 0
    git("add", "schema-lock")
    git("commit", "-q", "-m", "lock, under its old name")
    git("mv", "schema-lock", "table-locks")
    git("commit", "-q", "-m", "rename")
    capsys.readouterr()
    argv = ["--lock-dir", str(repo / "table-locks"), "--baseline-ref", "HEAD~1"]
    assert check_changes(cdk_out, *argv) == 0
    out = capsys.readouterr().out
    assert "has no lock yet" not in out
    assert "is a new table" not in out

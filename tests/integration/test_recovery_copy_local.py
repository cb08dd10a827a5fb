"""``ddbctl copy`` against DynamoDB Local: copies, refusals, the lock, and kill -9 + --resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from ddbctl.cli import main
from ddbctl.exclusive import exclusive, lock_path_for
from ddbio import dynamodb_client
from tests.conftest import ROOT

pytestmark = pytest.mark.integration


def _create(client, name: str, *, sort: bool = False) -> None:
    keys = [{"AttributeName": "pk", "KeyType": "HASH"}]
    attributes = [{"AttributeName": "pk", "AttributeType": "S"}]
    if sort:
        keys.append({"AttributeName": "sk", "KeyType": "RANGE"})
        attributes.append({"AttributeName": "sk", "AttributeType": "N"})
    client.create_table(
        TableName=name,
        KeySchema=keys,
        AttributeDefinitions=attributes,
        BillingMode="PAY_PER_REQUEST",
    )


def _fill(client, name: str, count: int) -> None:
    for start in range(0, count, 25):
        requests = [
            {"PutRequest": {"Item": {"pk": {"S": f"k{n:05d}"}, "v": {"N": str(n)}}}}
            for n in range(start, min(count, start + 25))
        ]
        client.batch_write_item(RequestItems={name: requests})


def _items(client, name: str) -> dict[str, dict]:
    pages = client.get_paginator("scan").paginate(TableName=name)
    return {item["pk"]["S"]: item for page in pages for item in page["Items"]}


@pytest.fixture
def tables(dynamodb_local, request):
    client = dynamodb_client(region="us-east-1", endpoint_url=dynamodb_local)
    stem = request.node.name[5:30].replace("_", "-")
    names = {"src": f"{stem}-src", "dst": f"{stem}-dst", "other": f"{stem}-other"}
    _create(client, names["src"])
    _create(client, names["dst"])
    _create(client, names["other"], sort=True)
    yield client, names
    for name in names.values():
        client.delete_table(TableName=name)


def _copy(endpoint: str, names: dict, *extra: str, env: str = "dev") -> int:
    argv = ["copy", "--env", env, "--endpoint-url", endpoint, "--from", names["src"]]
    return main([*argv, "--to", names["dst"], *extra])


def test_overwrite_copies_every_item_and_prints_the_counts(tables, dynamodb_local, capsys):
    client, names = tables
    _fill(client, names["src"], 300)
    client.put_item(TableName=names["dst"], Item={"pk": {"S": "k00001"}, "v": {"N": "-1"}})
    assert _copy(dynamodb_local, names, "--overwrite", "--segments", "3") == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "scanned 300 = written 300 + skipped 0 + failed 0"
    )
    assert _items(client, names["dst"]) == _items(client, names["src"])


def test_only_missing_never_overwrites(tables, dynamodb_local, capsys):
    client, names = tables
    _fill(client, names["src"], 60)
    kept = {"pk": {"S": "k00002"}, "v": {"N": "-1"}, "note": {"S": "newer"}}
    client.put_item(TableName=names["dst"], Item=kept)
    assert _copy(dynamodb_local, names, "--only-missing") == 0
    assert "scanned 60 = written 59 + skipped 1 + failed 0" in capsys.readouterr().out
    assert _items(client, names["dst"])["k00002"] == kept


def test_a_schema_mismatch_is_one_line(tables, dynamodb_local, capsys):
    _, names = tables
    argv = ["copy", "--env", "dev", "--endpoint-url", dynamodb_local, "--from", names["src"]]
    assert main([*argv, "--to", names["other"], "--overwrite"]) == 1
    assert capsys.readouterr().err == (
        f"ddbctl copy: error: key schemas differ: {names['src']} has pk (S, HASH), "
        f"{names['other']} has pk (S, HASH) + sk (N, RANGE): copy only between tables with "
        "the same keys\n"
    )


def test_a_missing_table_and_a_missing_mode_are_refused(tables, dynamodb_local, capsys):
    _, names = tables
    argv = ["copy", "--env", "dev", "--endpoint-url", dynamodb_local, "--from", "nope-nope"]
    assert main([*argv, "--to", names["dst"], "--overwrite"]) == 1
    assert "table nope-nope does not exist at this endpoint" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, "--to", names["dst"]])
    assert exit_info.value.code == 2
    assert "one of the arguments --only-missing --overwrite is required" in (
        capsys.readouterr().err
    )


def test_prod_without_yes_writes_nothing_and_says_what_it_would_do(tables, dynamodb_local, capsys):
    client, names = tables
    _fill(client, names["src"], 5)
    assert _copy(dynamodb_local, names, "--overwrite", env="prod") == 1
    assert capsys.readouterr().out == (
        f"would copy {names['src']} into {names['dst']} (overwrite) in prod: nothing written; "
        "re-run with --yes to do it\n"
    )
    assert _items(client, names["dst"]) == {}
    assert _copy(dynamodb_local, names, "--overwrite", "--yes", env="prod") == 0


def test_a_second_copy_on_the_same_checkpoint_is_refused(tables, dynamodb_local, tmp_path, capsys):
    _, names = tables
    checkpoint = tmp_path / "copy.json"
    with exclusive(lock_path_for(checkpoint), busy_message="held by the test"):
        argv = ["--overwrite", "--checkpoint", str(checkpoint)]
        assert _copy(dynamodb_local, names, *argv) == 1
    assert capsys.readouterr().err == (
        f"ddbctl copy: error: another copy is using {checkpoint}: let it finish, or stop it "
        "and run with --resume\n"
    )


def _wait_for_progress(checkpoint, process, *, at_least: int) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, "the copy finished before it could be killed"
        try:
            state = json.loads(checkpoint.read_text())
        except (FileNotFoundError, ValueError):
            state = None
        if state:
            scanned = sum(segment["scanned"] for segment in state["segments"])
            if scanned >= at_least:
                return scanned
        time.sleep(0.01)
    raise AssertionError("no checkpoint progress within 120 s")


def test_a_killed_copy_resumes_and_ends_item_for_item_equal(
    tables, dynamodb_local, tmp_path, capsys
):
    client, names = tables
    total = 3000
    _fill(client, names["src"], total)
    checkpoint = tmp_path / "copy.json"
    common = ["--endpoint-url", dynamodb_local, "--from", names["src"], "--to", names["dst"]]
    common += ["--only-missing", "--checkpoint", str(checkpoint)]
    command = [sys.executable, "-m", "ddbctl", "copy", "--env", "dev", *common]
    process = subprocess.Popen(
        [*command, "--segments", "2", "--page-size", "10"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
    )
    try:
        killed_at = _wait_for_progress(checkpoint, process, at_least=200)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert killed_at < total
    assert len(_items(client, names["dst"])) < total

    # Without --resume the stopped copy's checkpoint is not overwritten.
    assert main(["copy", "--env", "dev", *common]) == 1
    assert "add --resume to continue it" in capsys.readouterr().err
    assert main(["copy", "--env", "dev", *common, "--resume", "--page-size", "50"]) == 0
    out = capsys.readouterr().out
    assert _items(client, names["dst"]) == _items(client, names["src"])
    (line,) = [line for line in out.splitlines() if line.startswith("scanned ")]
    scanned, rest = line.removeprefix("scanned ").split(" = ")
    assert int(scanned) >= total  # a page in flight at the kill is scanned again
    assert rest.endswith("+ failed 0")


def test_resume_needs_a_matching_checkpoint(tables, dynamodb_local, tmp_path, capsys):
    client, names = tables
    _fill(client, names["src"], 30)
    checkpoint = tmp_path / "copy.json"
    at = ["--checkpoint", str(checkpoint)]
    assert _copy(dynamodb_local, names, "--overwrite", "--resume", *at) == 1
    assert capsys.readouterr().err == (
        f"ddbctl copy: error: no checkpoint at {checkpoint} to resume: run without --resume\n"
    )
    assert _copy(dynamodb_local, names, "--overwrite", "--segments", "2", *at) == 0
    capsys.readouterr()
    assert _copy(dynamodb_local, names, "--only-missing", "--resume", *at) == 1
    assert "resume with the same --from, --to and mode" in capsys.readouterr().err
    assert _copy(dynamodb_local, names, "--overwrite", "--resume", "--segments", "3", *at) == 1
    assert "has 2 segments: drop --segments" in capsys.readouterr().err
    # A finished copy's checkpoint does not block a new run.
    assert _copy(dynamodb_local, names, "--overwrite", *at) == 0
    assert "scanned 30 = written 30 + skipped 0 + failed 0" in capsys.readouterr().out


def test_an_unreadable_checkpoint_is_one_line(tables, dynamodb_local, tmp_path, capsys):
    _, names = tables
    checkpoint = tmp_path / "copy.json"
    checkpoint.write_text("{not json")
    assert _copy(dynamodb_local, names, "--overwrite", "--checkpoint", str(checkpoint)) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"ddbctl copy: error: checkpoint {checkpoint} is unreadable (")
    assert err.endswith("): delete it to start the copy over\n")


def test_another_engine_plugs_in_behind_the_same_checks_and_counts(
    tables, dynamodb_local, tmp_path, monkeypatch, capsys
):
    """The seam the S3 engine uses: an entry in ENGINES, chosen by the parser's ``engine``."""
    from ddbctl.cli import build_parser
    from ddbctl.recovery import copy as copy_module

    seen = []

    def engine(job):
        seen.append((job.source, job.target, job.mode, job.checkpoint_path))
        return {"scanned": 4, "written": 3, "skipped": 0, "failed": 1}

    monkeypatch.setitem(copy_module.ENGINES, "fake", engine)
    _, names = tables
    checkpoint = tmp_path / "copy.json"
    argv = ["copy", "--env", "dev", "--endpoint-url", dynamodb_local, "--from", names["src"]]
    args = build_parser().parse_args(
        [*argv, "--to", names["dst"], "--only-missing", "--checkpoint", str(checkpoint)]
    )
    assert args.engine == copy_module.SCAN_ENGINE
    args.engine = "fake"
    assert args.handler(args) == 1
    assert seen == [(names["src"], names["dst"], "only-missing", checkpoint)]
    assert "scanned 4 = written 3 + skipped 0 + failed 1" in capsys.readouterr().out


def test_an_aws_error_mid_copy_reports_what_was_written_and_how_to_go_on(
    tables, dynamodb_local, tmp_path, monkeypatch, capsys
):
    from botocore.exceptions import ClientError

    from ddbctl.recovery import copy as copy_module

    def denied_after_one_page(job):
        job.checkpoint.segments[0].scanned = job.checkpoint.segments[0].written = 5
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "Scan")

    monkeypatch.setitem(copy_module.ENGINES, copy_module.SCAN_ENGINE, denied_after_one_page)
    _, names = tables
    assert _copy(dynamodb_local, names, "--overwrite", "--checkpoint", str(tmp_path / "c")) == 1
    captured = capsys.readouterr()
    assert captured.out == "stopped: scanned 5 = written 5 + skipped 0 + failed 0\n"
    assert captured.err.startswith("ddbctl copy: error: An error occurred (AccessDeniedException)")
    assert captured.err.endswith(": fix the cause, then run again with --resume\n")

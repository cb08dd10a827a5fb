"""migrate-profiles end to end against DynamoDB Local: the table holds exactly the valid
records, re-running is safe, and a run killed with SIGKILL then resumed ends like a clean run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import catalog
from ddbctl.cli import main
from ddbctl.migrate.validate import build_item
from ddbctl.table_definitions import create_table
from ddbio import dynamodb_client
from tests.profiles import drop_tables, profile, read_rejects, write_files

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
SPEC = catalog.table("agent-profiles")


@pytest.fixture
def tables(dynamodb_local):
    """Fresh dev and staging agent-profiles tables; removed afterwards."""
    client = dynamodb_client(region="us-east-1", endpoint_url=dynamodb_local)
    names = ("dev-agent-profiles", "staging-agent-profiles")

    drop_tables(client, *names)
    for name in names:
        create_table(client, SPEC, table_name=name)
    yield client
    drop_tables(client, *names)


def jsonl_migration(tmp_path: Path, lines: list[str], endpoint: str):
    """``lines`` as a .jsonl source; its rejects and checkpoint paths; the words naming
    the source and endpoint; and the subprocess command line (no --rejects) into dev."""
    source = tmp_path / "profiles.jsonl"
    source.write_text("\n".join(lines) + "\n")
    rejects = tmp_path / "rejects.jsonl"
    checkpoint = tmp_path / "rejects.jsonl.checkpoint"
    common = [str(source), "--endpoint-url", endpoint]
    command = [sys.executable, "-m", "ddbctl", "migrate-profiles", *common, "--env", "dev"]
    return rejects, checkpoint, common, command


def scan(client, table: str) -> list[dict]:
    items = []
    for page in client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        items.extend(page["Items"])
    return sorted(items, key=lambda item: item["id"]["S"])


def nested(levels: int) -> object:
    value: object = "leaf"
    for _ in range(levels):
        value = {"x": value}
    return value


def test_end_to_end_writes_exactly_the_valid_records(tables, dynamodb_local, tmp_path, capsys):
    good = {f"agent-{n:05d}.json": profile(n) for n in range(240)}
    good["blank-job.json"] = profile(500, job="", location=[])
    good["deep.json"] = {"id": "deep", "data": {"meta": nested(29)}}  # deepest DynamoDB takes
    array = [profile(n) for n in range(600, 640)]
    bad = {
        "bad-json.json": b'{"id": ',
        "bad-utf8.json": b'{"id": "x\xff"}',
        "dup.json": profile(3),  # same id as agent-00003.json, which sorts first
        "no-id.json": {"data": {"name": "nobody"}},
        "price.json": profile(900, averagePrice="cheap"),
        "too-big.json": profile(901, description="x" * 300_000),
    }
    source = write_files(tmp_path / "json_storage", {**good, "array.json": array, **bad})
    rejects = tmp_path / "rejects.jsonl"
    argv = ["migrate-profiles", str(source), "--env", "dev", "--endpoint-url", dynamodb_local]
    argv += ["--rejects", str(rejects), "--workers", "4"]

    assert main(argv) == 1
    out = capsys.readouterr().out
    assert "read 288 = written 282 + rejected 6 + not written 0" in out
    assert "job omitted on 2 item(s)" in out  # blank-job and deep
    assert "location_city omitted on 2 item(s)" in out

    valid = [*good.values(), *array]
    expected = sorted((build_item(r)[1] for r in valid), key=lambda item: item["id"]["S"])
    table = scan(tables, "dev-agent-profiles")
    assert table == expected
    assert sorted(e["code"] for e in read_rejects(rejects)) == [
        "bad_number", "duplicate_id", "malformed_json", "missing_id", "not_utf8", "oversize"
    ]  # fmt: skip

    in_detroit = tables.query(
        TableName="dev-agent-profiles",
        IndexName="location-index",
        KeyConditionExpression="location_city = :c",
        ExpressionAttributeValues={":c": {"S": "Detroit"}},
    )["Count"]
    assert in_detroit == sum(
        1 for r in valid if r["data"].get("location", [None])[:1] == ["Detroit"]
    )

    # Re-running without --resume is safe: same table, same rejects.
    first_rejects = rejects.read_text()
    assert main(argv) == 1
    assert scan(tables, "dev-agent-profiles") == expected
    assert rejects.read_text() == first_rejects


def test_all_valid_exits_zero(tables, dynamodb_local, tmp_path):
    source = tmp_path / "profiles.jsonl"
    source.write_text("".join(json.dumps(profile(n)) + "\n" for n in range(60)))
    argv = ["migrate-profiles", str(source), "--env", "dev", "--endpoint-url", dynamodb_local]
    assert main([*argv, "--rejects", str(tmp_path / "r.jsonl")]) == 0
    assert len(scan(tables, "dev-agent-profiles")) == 60


def wait_for_progress(
    checkpoint: Path, process: subprocess.Popen, *, at_least: int, total: int
) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, (
            "the run finished before it could be killed: use more records"
        )
        try:
            state = json.loads(checkpoint.read_text())
        except (FileNotFoundError, ValueError):
            state = None
        if state and at_least <= state["next_seq"] < total and not state["complete"]:
            return state["next_seq"]
        time.sleep(0.01)
    raise AssertionError("no checkpoint progress within 120 s")


def test_sigkill_then_resume_ends_like_one_clean_run(tables, dynamodb_local, tmp_path, capsys):
    total = 2500
    lines = []
    for n in range(total):
        if n % 97 == 5:
            lines.append('{"id": "broken"')  # malformed, spread through the whole input
        elif n % 89 == 7:
            lines.append(json.dumps(profile(n - 1)))  # duplicate of the line before
        else:
            lines.append(json.dumps(profile(n)))
    rejects, checkpoint, common, command = jsonl_migration(tmp_path, lines, dynamodb_local)
    command += ["--workers", "1"]  # slow enough to be killed mid-run

    process = subprocess.Popen(
        [*command, "--rejects", str(rejects)],
        cwd=ROOT,
        env={**os.environ, "CI": "1"},
        stdout=subprocess.DEVNULL,
    )
    try:
        killed_at = wait_for_progress(checkpoint, process, at_least=250, total=total)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert 250 <= killed_at < total
    assert len(scan(tables, "dev-agent-profiles")) < total
    seqs_on_disk = []
    for line in rejects.read_text().splitlines():
        try:
            seqs_on_disk.append(json.loads(line)["seq"])
        except ValueError:
            continue  # a line torn by the kill; resume drops it
    assert any(seq < killed_at for seq in seqs_on_disk)  # rejects the resume must keep

    argv = ["migrate-profiles", *common, "--workers", "8"]
    assert main([*argv, "--env", "dev", "--rejects", str(rejects), "--resume"]) == 1
    resumed_out = capsys.readouterr().out
    clean_rejects = tmp_path / "clean.jsonl"
    assert main([*argv, "--env", "staging", "--rejects", str(clean_rejects)]) == 1
    clean_out = capsys.readouterr().out

    assert scan(tables, "dev-agent-profiles") == scan(tables, "staging-agent-profiles")
    resumed, clean = read_rejects(rejects), read_rejects(clean_rejects)
    assert len({entry["seq"] for entry in resumed}) == len(resumed)  # nothing listed twice
    assert resumed == clean
    summary = [line for line in resumed_out.splitlines() if line.startswith("read ")]
    assert summary == [line for line in clean_out.splitlines() if line.startswith("read ")]
    assert summary[0].startswith(f"read {total} = written ")


def test_deep_records_are_rejects_and_the_checkpoint_is_saved(tables, dynamodb_local, tmp_path):
    """A line nested 100,000 deep used to end the run with a RecursionError traceback and no
    checkpoint; the checkpoint's missing directory used to be a FileNotFoundError."""
    deep = '{"id": "deep", "data": ' + "[" * 100_000 + "]" * 100_000 + "}"
    source = tmp_path / "profiles.jsonl"
    source.write_text(f"{json.dumps(profile(1))}\n{deep}\n{json.dumps(profile(2))}\n")
    checkpoint = tmp_path / "state" / "new" / "run.checkpoint"
    rejects = tmp_path / "r.jsonl"
    argv = ["migrate-profiles", str(source), "--env", "dev", "--endpoint-url", dynamodb_local]

    assert main([*argv, "--rejects", str(rejects), "--checkpoint", str(checkpoint)]) == 1

    assert [item["id"]["S"] for item in scan(tables, "dev-agent-profiles")] == [
        "agent-00001",
        "agent-00002",
    ]
    assert [e["code"] for e in read_rejects(rejects)] == ["too_deep"]
    state = json.loads(checkpoint.read_text())
    assert (state["next_seq"], state["complete"]) == (3, True)


def test_a_second_run_while_the_first_runs_is_refused_and_the_first_keeps_every_reject(
    tables, dynamodb_local, tmp_path, capsys
):
    """Issue 14's lost rejects: a second run on the same checkpoint used to empty the
    first's rejects file (2,729 of 4,008 entries left, and NUL bytes). Now it is refused
    while the first holds the lock, and the first ends exactly like an undisturbed run."""
    total = 2500
    lines = ['{"id": "broken"' if n % 97 == 5 else json.dumps(profile(n)) for n in range(total)]
    rejects, checkpoint, common, command = jsonl_migration(tmp_path, lines, dynamodb_local)
    first = subprocess.Popen(
        [*command, "--workers", "1", "--rejects", str(rejects)],
        cwd=ROOT,
        env={**os.environ, "CI": "1"},
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for_progress(checkpoint, first, at_least=100, total=total)
        argv = ["migrate-profiles", *common, "--env", "dev", "--rejects", str(rejects)]
        assert main(argv) == 1
        assert main([*argv, "--resume"]) == 1
        assert main([*argv, "--dry-run"]) == 1
        err = capsys.readouterr().err.splitlines()
        assert len(err) == 3
        assert all("another migrate-profiles run is" in line for line in err), err
        assert first.wait(timeout=300) == 1  # 1: the malformed lines are rejects
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()

    clean_rejects = tmp_path / "clean.jsonl"
    argv = ["migrate-profiles", *common, "--env", "staging", "--rejects", str(clean_rejects)]
    assert main(argv) == 1
    assert b"\0" not in rejects.read_bytes()
    assert read_rejects(rejects) == read_rejects(clean_rejects)
    assert len(read_rejects(rejects)) == sum(1 for n in range(total) if n % 97 == 5)
    assert json.loads(checkpoint.read_text())["complete"] is True
    assert scan(tables, "dev-agent-profiles") == scan(tables, "staging-agent-profiles")

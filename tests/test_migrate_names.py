"""File names the tool did not expect: one line or a clean result, never a traceback
(issue 14, item 6).

A Latin-1 name inside SOURCE is a file like any other: its records are read and written
(or rejected for what they hold), and its name is kept in the rejects file as the JSON
escape of Python's surrogate (``\\udce9``), which ``os.fsencode`` turns back into the
name's bytes. A path too long for the file system is a usage error naming the option."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import ddbctl.commands.migrate_profiles as command
from ddbctl.cli import main
from ddbctl.migrate import checkpoint as cp
from ddbctl.migrate.reader import list_files
from tests.profiles import profile, read_rejects, write_files

ROOT = Path(__file__).resolve().parent.parent
CLOSED = "http://127.0.0.1:1"
LATIN_1 = b"caf\xe9.json"  # "café.json" as Latin-1 bytes: not UTF-8


def run(source: Path, *extra: str) -> int:
    return main(["migrate-profiles", str(source), "--env", "dev", "--endpoint-url", CLOSED, *extra])


@pytest.fixture
def latin_1_source(tmp_path) -> Path:
    source = write_files(tmp_path / "in", {"a.json": profile(1)})
    with open(os.path.join(os.fsencode(source), LATIN_1), "w") as handle:
        json.dump(profile(2), handle)
    with open(os.path.join(os.fsencode(source), b"d\xe9j\xe0.json"), "w") as handle:
        json.dump(profile(2), handle)  # café.json's id again: its reject names both files
    return source


def test_a_latin_1_name_is_read_and_its_reject_names_it_exactly(latin_1_source, tmp_path, capsys):
    rejects = tmp_path / "r.jsonl"
    assert run(latin_1_source, "--dry-run", "--rejects", str(rejects)) == 1
    captured = capsys.readouterr()
    assert "read 3 = valid (dry run, nothing written) 2 + rejected 1" in captured.out
    assert "Traceback" not in captured.err
    [entry] = read_rejects(rejects)
    assert entry["code"] == "duplicate_id"
    assert "caf\udce9.json, which was kept" in entry["reason"]
    assert os.fsencode(entry["source"]) == os.path.join(
        os.fsencode(latin_1_source), b"d\xe9j\xe0.json"
    )
    assert rejects.read_bytes().decode("utf-8")  # the rejects file itself is valid UTF-8


def test_a_latin_1_name_survives_a_strict_utf8_stdout(latin_1_source, tmp_path):
    """A UTF-8 locale's stdout refuses surrogates; the names are printed escaped."""
    argv = [sys.executable, "-m", "ddbctl", "migrate-profiles", str(latin_1_source)]
    argv += ["--env", "dev", "--dry-run", "--rejects", str(tmp_path / "r.jsonl")]
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    done = subprocess.run(argv, cwd=ROOT, env=environment, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "duplicate id 'agent-00002': first seen at " in done.stdout
    assert "caf\\udce9.json, which was kept" in done.stdout  # the name, escaped


def test_the_fingerprint_of_a_latin_1_name_is_its_bytes(latin_1_source):
    files = list_files(latin_1_source)
    before = cp.fingerprint(files)
    assert before == cp.fingerprint(list_files(latin_1_source))
    os.utime(os.path.join(os.fsencode(latin_1_source), LATIN_1), ns=(1, 1))
    assert cp.fingerprint(list_files(latin_1_source)) != before


def test_a_run_with_a_latin_1_name_checkpoints_and_resumes(
    latin_1_source, monkeypatch, tmp_path, capsys
):
    monkeypatch.setattr(command, "require_local_endpoint", lambda url: None)
    monkeypatch.setattr(command, "_require_table", lambda *args: None)
    monkeypatch.setattr(command, "ParallelWriter", lambda **kwargs: None)  # counts, no writes
    rejects = tmp_path / "r.jsonl"
    assert run(latin_1_source, "--rejects", str(rejects)) == 1
    checkpoint = Path(f"{rejects}.checkpoint")
    assert cp.load(checkpoint).complete
    assert run(latin_1_source, "--rejects", str(rejects), "--resume") == 1
    assert "Traceback" not in capsys.readouterr().err


LONG = "a" * 5000


@pytest.mark.parametrize(
    ("option", "make_argv"),
    [
        ("SOURCE", lambda tmp, source: [str(tmp / LONG), "--dry-run"]),
        ("--rejects", lambda tmp, source: [str(source), "--dry-run", "--rejects", str(tmp / LONG)]),
        ("--rejects", lambda tmp, source: [str(source), "--rejects", f"{tmp}/{'d/' * 2500}r"]),
        (
            "--checkpoint",
            lambda tmp, source: [str(source), "--checkpoint", str(tmp / LONG)],
        ),
        # Fits, but its checkpoint's lock file (name + ".checkpoint.lock") would not.
        ("--rejects", lambda tmp, source: [str(source), "--rejects", str(tmp / ("r" * 245))]),
    ],
    ids=["source", "rejects", "rejects-deep", "checkpoint", "rejects-sibling"],
)
def test_a_path_too_long_for_the_file_system_is_one_line(option, make_argv, tmp_path, capsys):
    source = write_files(tmp_path / "in", {"a.json": profile(1)})
    before = sorted(tmp_path.iterdir())
    assert run(*make_argv(tmp_path, source)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"ddbctl migrate-profiles: error: {option} ")
    assert "is too long for the file system" in err
    assert err.endswith(": pass a shorter path\n")
    assert len(err) < 400  # the path is cut short, not printed whole
    assert sorted(tmp_path.iterdir()) == before  # nothing created

"""Checkpoint files: atomic saves, refusing a mismatched resume, trimming the rejects file."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pytest

from ddbctl.cli import main
from ddbctl.migrate import checkpoint as cp
from ddbctl.migrate.report import progress_enabled
from tests.profiles import profile, write_files


def entry(seq: int, kind: str = "rejected", code: str = "missing_id") -> str:
    return json.dumps({"seq": seq, "kind": kind, "code": code, "reason": f"why {seq}"}) + "\n"


def test_trim_keeps_only_entries_before_the_checkpoint_and_drops_a_torn_line(tmp_path):
    rejects = tmp_path / "r.jsonl"
    rejects.write_text(
        entry(0) + entry(3, "not_written", "throttled") + entry(5) + entry(2) + '{"seq": 1, "ki'
    )
    trimmed = cp.trim_rejects(rejects, 4)
    assert [json.loads(line)["seq"] for line in rejects.read_text().splitlines()] == [0, 3, 2]
    assert trimmed.kept == {
        ("rejected", "missing_id"): (2, "why 0"),
        ("not_written", "throttled"): (1, "why 3"),
    }
    left = rejects.read_bytes()  # what the next checkpoint will vouch for
    assert (trimmed.size, trimmed.sha256) == (len(left), hashlib.sha256(left).hexdigest())


def test_save_replaces_atomically_and_load_round_trips(tmp_path):
    path = tmp_path / "c.json"
    first = cp.Checkpoint(source="s", table="t", fingerprint="f", next_seq=10, complete=False)
    cp.save(path, first)
    cp.save(path, cp.Checkpoint(source="s", table="t", fingerprint="f", next_seq=20, complete=True))
    assert cp.load(path).next_seq == 20
    assert not (tmp_path / "c.json.tmp").exists()
    assert cp.load(tmp_path / "missing.json") is None


def test_fingerprint_changes_when_a_file_changes(tmp_path):
    source = write_files(tmp_path / "in", {"a.json": profile(1)})
    files = [str(source / "a.json")]
    before = cp.fingerprint(files)
    (source / "a.json").write_text(json.dumps(profile(2)) + " ")
    assert cp.fingerprint(files) != before


@pytest.fixture
def resumable(tmp_path):
    """A source and a checkpoint recorded for it, as a stopped run leaves them."""
    source = write_files(tmp_path / "in", {"a.json": profile(1), "b.json": profile(2)})
    rejects = tmp_path / "r.jsonl"
    checkpoint = tmp_path / "r.jsonl.checkpoint"
    files = [str(source / "a.json"), str(source / "b.json")]
    cp.save(
        checkpoint,
        cp.Checkpoint(
            source=str(source.resolve()),
            table="dev-agent-profiles",
            fingerprint=cp.fingerprint(files),
            next_seq=1,
            complete=False,
        ),
    )
    argv = ["migrate-profiles", str(source), "--resume", "--rejects", str(rejects)]
    return source, checkpoint, argv


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    return err


def test_resume_into_another_table_is_refused(resumable, capsys):
    _, _, argv = resumable
    assert main([*argv, "--env", "staging"]) == 2
    err = one_line_error(capsys)
    assert "-> dev-agent-profiles, not " in err
    assert err.endswith("pass the same SOURCE and --env, or run without --resume\n")


def test_resume_after_the_input_changed_is_refused(resumable, capsys):
    source, _, argv = resumable
    (source / "c.json").write_text(json.dumps(profile(3)))
    assert main([*argv, "--env", "dev"]) == 2
    assert "changed since checkpoint" in one_line_error(capsys)


@pytest.mark.parametrize("name", ["c.jsonl", "a.jsonl"])
def test_resume_after_a_jsonl_file_appeared_in_the_directory_is_refused(name, resumable, capsys):
    source, _, argv = resumable
    (source / name).write_text(json.dumps(profile(3)) + "\n")  # *.jsonl is input too
    assert main([*argv, "--env", "dev"]) == 2
    assert "changed since checkpoint" in one_line_error(capsys)


def test_fingerprint_covers_jsonl_files_in_a_directory(tmp_path):
    from ddbctl.migrate.reader import list_files

    source = write_files(tmp_path / "in", {"a.json": profile(1)})
    (source / "b.jsonl").write_text(json.dumps(profile(2)) + "\n")
    before = cp.fingerprint(list_files(source))
    (source / "b.jsonl").write_text(json.dumps(profile(2)) + "\n" + json.dumps(profile(3)) + "\n")
    assert cp.fingerprint(list_files(source)) != before


def test_unreadable_checkpoint_is_refused(resumable, capsys):
    _, checkpoint, argv = resumable
    checkpoint.write_text("{not json")
    assert main([*argv, "--env", "dev"]) == 2
    assert "is not a ddbctl checkpoint, and a run would overwrite it" in one_line_error(capsys)
    assert checkpoint.read_text() == "{not json"  # left alone, with or without --resume
    assert main([*argv[:-3], "--rejects", argv[-1], "--env", "dev"]) == 2
    assert checkpoint.read_text() == "{not json"


def test_load_names_the_fix_for_a_corrupt_checkpoint(tmp_path):
    path = tmp_path / "c.json"
    path.write_text("{not json")
    with pytest.raises(cp.CheckpointError, match="is unreadable: delete it and run without"):
        cp.load(path)


@pytest.mark.parametrize(
    ("tty", "ci", "expected"), [(True, None, True), (True, "true", False), (False, None, False)]
)
def test_progress_bar_only_on_a_terminal_outside_ci(monkeypatch, tty, ci, expected):
    monkeypatch.setattr("sys.stderr.isatty", lambda: tty)
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    assert progress_enabled() is expected


def test_progress_bar_shows_counts(capsys):
    from ddbctl.migrate.report import Tally, progress_bar

    tally = Tally(read=3, written=2, rejected={"missing_id": 1})
    with progress_bar(total_bytes=10, enabled=True, dry_run=True) as update:
        update(5, tally)
    with progress_bar(total_bytes=10, enabled=False) as update:
        update(5, tally)  # disabled: a no-op
    assert capsys.readouterr().out == ""  # the bar never touches stdout, where the summary goes


def test_resume_without_the_stopped_runs_rejects_file_is_refused(resumable, capsys):
    _, checkpoint, argv = resumable  # the checkpoint says record 0 is done; r.jsonl is gone
    assert main([*argv, "--env", "dev"]) == 2
    err = one_line_error(capsys)
    assert "rejects file" in err and "is missing" in err
    assert err.endswith("or run without --resume\n")
    assert checkpoint.exists()  # nothing touched: the user can restore the file and resume


def test_resume_with_an_unreadable_rejects_file_is_refused(resumable, monkeypatch, capsys):
    _, _, argv = resumable
    rejects = resumable[1].with_name("r.jsonl")
    rejects.write_text(entry(0))

    def denied(path, next_seq):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(cp, "trim_rejects", denied)
    assert main([*argv, "--env", "dev"]) == 2
    assert "cannot read the stopped run's rejects file" in one_line_error(capsys)


def test_resume_past_an_unreadable_input_file_is_refused(resumable, capsys):
    _, checkpoint, argv = resumable
    checkpoint.with_name("r.jsonl").write_text(entry(0, code="unreadable"))
    assert main([*argv, "--env", "dev"]) == 2
    err = one_line_error(capsys)
    assert "could not read 1 input file(s)" in err
    assert err.endswith("fix those files and run without --resume\n")


def vouch_for(checkpoint, rejects_text: str) -> None:
    """Record in the checkpoint that the rejects file held ``rejects_text``, as a run does."""
    data = rejects_text.encode()
    cp.save(
        checkpoint,
        dataclasses.replace(
            cp.load(checkpoint),
            rejects_size=len(data),
            rejects_sha256=hashlib.sha256(data).hexdigest(),
        ),
    )


def test_resume_refuses_a_rejects_file_changed_since_the_checkpoint(resumable, capsys):
    _, checkpoint, argv = resumable
    rejects = checkpoint.with_name("r.jsonl")
    original = entry(0, "not_written", "throttled")
    rejects.write_text(original)
    vouch_for(checkpoint, original)
    rejects.write_text(entry(0))  # rewritten, say by a dry run: the not-written entry is gone
    assert main([*argv, "--env", "dev"]) == 2
    err = one_line_error(capsys)
    assert f"the rejects file {rejects} changed since checkpoint" in err
    assert err.endswith("restore it, or run without --resume\n")
    rejects.write_text(original + entry(5))  # restored (with a later line, as runs leave it)
    assert cp.load(checkpoint).rejects_size == len(original)
    cp.require_rejects_unchanged(cp.load(checkpoint), path=checkpoint, rejects=rejects)


def test_a_resume_that_stops_early_can_itself_be_resumed(resumable, capsys):
    """--resume trims the rejects file first; if it then stops (nothing at the endpoint),
    the checkpoint must already vouch for the shorter file."""
    _, checkpoint, argv = resumable
    rejects = checkpoint.with_name("r.jsonl")
    written = entry(0, "not_written", "throttled") + entry(1)  # seq 1: at next_seq, trimmed
    rejects.write_text(written)
    vouch_for(checkpoint, written)
    closed = ["--endpoint-url", "http://127.0.0.1:1"]
    assert main([*argv, "--env", "dev", *closed]) == 1  # stops after the trim
    assert "nothing answers like DynamoDB" in one_line_error(capsys)
    assert rejects.read_text() == entry(0, "not_written", "throttled")
    after = cp.load(checkpoint)
    assert after.rejects_size == len(rejects.read_bytes())
    cp.require_rejects_unchanged(after, path=checkpoint, rejects=rejects)  # resumable again

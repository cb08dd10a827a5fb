"""Symbolic links in SOURCE that lead nowhere are ``unreadable`` rejects, every run
(issue 14, item 7). A dangling ``b.json`` used to crash every run after the first (and a
dry run once a rejects file existed) in the output checks, and a link loop was reported
as "cannot list: fix its permissions"."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import ddbctl.commands.migrate_profiles as command
from ddbctl.cli import main
from tests.profiles import profile, read_rejects, write_files

CLOSED = "http://127.0.0.1:1"


def run(source: Path, rejects: Path, *extra: str) -> int:
    argv = ["migrate-profiles", str(source), "--env", "dev", "--endpoint-url", CLOSED]
    return main([*argv, "--rejects", str(rejects), *extra])


@pytest.fixture
def no_table(monkeypatch):
    """A run that writes: everything but the table (its items are counted, not sent)."""
    monkeypatch.setattr(command, "require_local_endpoint", lambda url: None)
    monkeypatch.setattr(command, "_require_table", lambda *args: None)
    monkeypatch.setattr(command, "ParallelWriter", lambda **kwargs: None)


def dangling(source: Path, tmp_path: Path) -> Path:
    link = source / "b.json"
    link.symlink_to(tmp_path / "gone.json")
    return link


def looping(source: Path) -> Path:
    link = source / "b.json"
    link.symlink_to(link)
    return link


@pytest.mark.parametrize("make_link", ["dangling", "loop"])
@pytest.mark.parametrize("mode", [["--dry-run"], []], ids=["dry-run", "run"])
def test_a_link_to_nothing_is_an_unreadable_reject_on_every_run(
    make_link, mode, no_table, tmp_path, capsys
):
    source = write_files(tmp_path / "in", {"a.json": profile(1)})
    link = dangling(source, tmp_path) if make_link == "dangling" else looping(source)
    rejects = tmp_path / "r.jsonl"
    why = {
        "dangling": "a symbolic link to a file that does not exist",
        "loop": "a symbolic link that loops back on itself",
    }[make_link]
    for _ in range(3):  # the first run, and every later one with its rejects file there
        assert run(source, rejects, *mode) == 1
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err
        assert "+ rejected 1 + not written 0" in captured.out
        [entry] = read_rejects(rejects)
        assert (entry["location"], entry["code"]) == (str(link), "unreadable")
        assert entry["reason"] == (
            f"cannot read the file: {why}; its records were not read: point the link at the "
            "real file, or remove it, re-run without --resume"
        )


def test_a_link_loop_with_another_name_does_not_stop_the_listing(tmp_path, capsys):
    source = write_files(tmp_path / "in", {"a.json": profile(1)})
    (source / "notes").symlink_to(source / "notes")  # not an input name: not read
    assert run(source, tmp_path / "r.jsonl", "--dry-run") == 0
    captured = capsys.readouterr()
    assert "cannot list" not in captured.err
    assert "read 1 = valid (dry run, nothing written) 1" in captured.out


def test_a_dangling_link_in_source_to_the_rejects_file_to_be_is_refused(tmp_path, capsys):
    """Once the rejects file existed, the next run would read it as input b.json."""
    source = write_files(tmp_path / "in", {"a.json": profile(1)})
    rejects = tmp_path / "r.jsonl"
    (source / "b.json").symlink_to(rejects)
    assert run(source, rejects, "--dry-run") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"--rejects {rejects} is one of SOURCE's input files" in err
    assert not rejects.exists()


@pytest.mark.parametrize("target", ["missing", "loop"])
def test_a_source_that_is_a_link_to_nothing_is_one_line(target, tmp_path, capsys):
    source = tmp_path / "json_storage"
    source.symlink_to(tmp_path / "gone" if target == "missing" else source)
    assert run(source, tmp_path / "r.jsonl", "--dry-run") == 2
    assert capsys.readouterr().err == (
        f"ddbctl migrate-profiles: error: {source} is a symbolic link that leads nowhere (its "
        "target is missing, or it loops): point SOURCE at the real directory or file\n"
    )


def test_a_resume_after_a_link_reject_says_to_fix_the_link_and_start_over(
    no_table, tmp_path, capsys
):
    """A stopped run's unreadable files were never numbered: --resume is refused in one
    line (exit 2), and a run without --resume goes ahead."""
    from ddbctl.migrate import checkpoint as cp

    source = write_files(tmp_path / "in", {"a.json": profile(1)})
    dangling(source, tmp_path)
    rejects = tmp_path / "r.jsonl"
    assert run(source, rejects) == 1
    checkpoint = Path(f"{rejects}.checkpoint")
    saved = cp.load(checkpoint)
    cp.save(checkpoint, cp.Checkpoint(**{**saved.__dict__, "complete": False}))
    capsys.readouterr()
    assert run(source, rejects, "--resume") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "could not read 1 input file(s)" in err
    os.unlink(source / "b.json")
    assert run(source, rejects) == 0

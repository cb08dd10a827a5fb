"""The rejects file and the checkpoint never destroy the input, and an output that cannot
be written is one clear line (exit 2) before anything is written anywhere.

The endpoint is a closed port: reaching DynamoDB would fail with a connection error, so an
exit-2 message from these checks also proves they run before any table access."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ddbctl.cli import main
from tests.profiles import profile, write_files

CLOSED = "http://127.0.0.1:1"


def run(source: Path, *extra: str) -> int:
    return main(["migrate-profiles", str(source), "--env", "dev", "--endpoint-url", CLOSED, *extra])


def one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("ddbctl migrate-profiles: error: ")
    return err


@pytest.fixture
def jsonl(tmp_path) -> Path:
    source = tmp_path / "x.jsonl"
    source.write_text(json.dumps(profile(1)) + "\n")
    return source


@pytest.mark.parametrize("option", ["--rejects", "--checkpoint"])
@pytest.mark.parametrize("resume", [[], ["--resume"]], ids=["fresh", "resume"])
def test_an_output_that_is_the_source_file_is_refused_and_the_source_kept(
    option, resume, jsonl, capsys
):
    before = jsonl.read_bytes()
    assert run(jsonl, option, str(jsonl), *resume) == 2
    err = one_line(capsys)
    assert f"{option} {jsonl} is one of SOURCE's input files and would be overwritten" in err
    assert f"pass a {option} path outside SOURCE" in err
    assert jsonl.read_bytes() == before


def test_a_symlink_to_the_source_is_the_source(jsonl, tmp_path, capsys):
    alias = tmp_path / "alias.jsonl"
    alias.symlink_to(jsonl)
    before = jsonl.read_bytes()
    assert run(jsonl, "--dry-run", "--rejects", str(alias)) == 2
    assert "is one of SOURCE's input files" in one_line(capsys)
    assert jsonl.read_bytes() == before


@pytest.mark.parametrize("name", ["b.json", "c.jsonl", "new.jsonl", ".hidden.json"])
@pytest.mark.parametrize("option", ["--rejects", "--checkpoint"])
def test_an_output_among_a_source_directorys_input_files_is_refused(name, option, tmp_path, capsys):
    source = write_files(tmp_path / "in", {"a.json": profile(1), "b.json": profile(2)})
    (source / "c.jsonl").write_text(json.dumps(profile(3)) + "\n")
    before = {path.name: path.read_bytes() for path in source.iterdir()}
    assert run(source, option, str(source / name)) == 2  # new.jsonl: the next run would read it
    assert "is one of SOURCE's input files" in one_line(capsys)
    assert {path.name: path.read_bytes() for path in source.iterdir()} == before


def test_outputs_beside_the_source_in_other_names_are_fine(tmp_path, capsys):
    source = write_files(tmp_path / "in", {"a.json": profile(1)})
    rejects = source / "rejects.txt"  # not an input name: allowed (reported as skipped)
    assert run(source, "--dry-run", "--rejects", str(rejects)) == 0
    assert rejects.exists()


@pytest.mark.parametrize("option", ["--rejects", "--checkpoint"])
def test_a_directory_as_output_is_one_line(option, jsonl, tmp_path, capsys):
    directory = tmp_path / "out"
    directory.mkdir()
    assert run(jsonl, option, str(directory)) == 2
    err = one_line(capsys)
    assert f"{option} {directory} is a directory: pass a file path" in err


@pytest.mark.parametrize("option", ["--rejects", "--checkpoint"])
def test_a_parent_that_is_a_file_is_one_line(option, jsonl, tmp_path, capsys):
    blocker = tmp_path / "plain-file"
    blocker.write_text("")
    target = blocker / "sub" / "out"
    assert run(jsonl, option, str(target)) == 2
    err = one_line(capsys)
    assert f"{option} {target}: cannot create its directory" in err
    assert "pass a path in a writable directory" in err


def test_the_rejects_files_missing_parent_is_created(jsonl, tmp_path):
    rejects = tmp_path / "new" / "dir" / "r.jsonl"
    assert run(jsonl, "--dry-run", "--rejects", str(rejects)) == 0
    assert rejects.exists()


def test_one_path_for_both_outputs_is_refused(jsonl, tmp_path, capsys):
    both = tmp_path / "out" / "both.jsonl"
    assert run(jsonl, "--rejects", str(both), "--checkpoint", str(both)) == 2
    assert "--rejects and --checkpoint are the same file" in one_line(capsys)
    assert not both.exists()


def test_one_file_reached_by_a_symlink_for_both_outputs_is_refused(jsonl, tmp_path, capsys):
    target = tmp_path / "both.jsonl"
    target.write_text("")
    (tmp_path / "link.jsonl").symlink_to(target)
    argv = ["--rejects", str(target), "--checkpoint", str(tmp_path / "link.jsonl")]
    assert run(jsonl, *argv) == 2
    assert "the same file" in one_line(capsys)


def test_default_outputs_go_to_the_state_directory(jsonl, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DDBCTL_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    assert main(["migrate-profiles", str(jsonl), "--env", "dev", "--dry-run"]) == 0
    assert (
        tmp_path / "state" / "migrate-profiles" / "dev-agent-profiles.dry-run.rejects.jsonl"
    ).exists()
    assert not (tmp_path / ".ddbctl").exists()  # not the working directory's


@pytest.mark.parametrize("option", ["--rejects", "--checkpoint"])
def test_an_output_that_is_not_a_regular_file_is_refused(option, jsonl, capsys):
    assert run(jsonl, option, "/dev/null") == 2
    assert f"{option} /dev/null exists and is not a regular file" in one_line(capsys)
    assert Path("/dev/null").is_char_device()  # not replaced by a regular file


@pytest.mark.parametrize(
    ("option", "what"), [("--rejects", "rejects file"), ("--checkpoint", "checkpoint")]
)
def test_an_existing_file_that_is_not_ours_is_never_overwritten(
    option, what, jsonl, tmp_path, capsys
):
    precious = tmp_path / "notes.txt"
    precious.write_text("my notes\n")
    assert run(jsonl, option, str(precious)) == 2
    assert f"{option} {precious} is not a ddbctl {what}, and a run would overwrite it" in (
        one_line(capsys)
    )
    assert precious.read_text() == "my notes\n"


def test_a_dry_run_may_not_reuse_a_stopped_runs_rejects_file(jsonl, tmp_path, capsys):
    from ddbctl.migrate import checkpoint as cp

    rejects = tmp_path / "r.jsonl"
    rejects.write_text(
        json.dumps({"seq": 0, "kind": "not_written", "code": "x", "reason": "y"}) + "\n"
    )
    stopped = cp.Checkpoint(source="s", table="t", fingerprint="f", next_seq=1, complete=False)
    cp.save(tmp_path / "r.jsonl.checkpoint", stopped)
    assert (
        main(
            ["migrate-profiles", str(jsonl), "--env", "dev", "--dry-run", "--rejects", str(rejects)]
        )
        == 2
    )
    assert "belongs to a stopped run that --resume can continue" in one_line(capsys)
    assert "not_written" in rejects.read_text()  # kept for the resume
    cp.save(
        tmp_path / "r.jsonl.checkpoint", cp.Checkpoint(**{**stopped.__dict__, "complete": True})
    )
    assert (
        main(
            ["migrate-profiles", str(jsonl), "--env", "dev", "--dry-run", "--rejects", str(rejects)]
        )
        == 0
    )


def test_a_rejects_link_to_nothing_is_refused(jsonl, tmp_path, capsys):
    link = tmp_path / "r.jsonl"
    link.symlink_to(tmp_path / "no-such-dir" / "r.jsonl")
    assert run(jsonl, "--dry-run", "--rejects", str(link)) == 2
    assert one_line(capsys).endswith(
        f"--rejects {link} is a symbolic link to nothing: pass a new file path\n"
    )


def test_a_rejects_file_that_cannot_be_opened_is_one_line(jsonl, tmp_path, monkeypatch, capsys):
    from ddbctl.commands import migrate_profiles

    def refuse(path, *, append):  # what the checks cannot foresee: say, a full disk or /proc
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(migrate_profiles, "RejectsLog", refuse)
    rejects = tmp_path / "r.jsonl"
    assert run(jsonl, "--dry-run", "--rejects", str(rejects)) == 2
    assert one_line(capsys).endswith(
        f"--rejects {rejects}: cannot open it (Permission denied): pass a path in a "
        "writable directory\n"
    )


def test_a_rejects_file_whose_first_entry_is_over_a_mebibyte_is_still_ours(tmp_path, capsys):
    source = tmp_path / "p.jsonl"
    big = profile(1, description="x" * 1_200_000)  # oversize: its entry keeps it whole
    source.write_text(json.dumps(big) + "\n" + json.dumps(profile(2)) + "\n")
    rejects = tmp_path / "r.jsonl"
    argv = ["migrate-profiles", str(source), "--env", "dev", "--dry-run", "--rejects"]
    assert main([*argv, str(rejects)]) == 1
    assert rejects.stat().st_size > 1 << 20  # one entry, longer than a MiB
    assert main([*argv, str(rejects)]) == 1  # the same run again: not refused as foreign
    assert "read 2 = valid (dry run, nothing written) 1 + rejected 1" in capsys.readouterr().out

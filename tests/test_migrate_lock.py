"""One migration at a time per checkpoint and per rejects file (issue 14, item 1).

Two runs on one checkpoint used to lose data: the second emptied the first's rejects
file. The lock is ``ddbctl.exclusive``'s flock; these tests hold it from another process,
as a first run would, and show the second run is refused in one line before it touches
either file. The endpoint is a closed port, so a refusal also proves nothing reached a
table."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import ddbctl.commands.migrate_profiles as command
from ddbctl.cli import main
from ddbctl.exclusive import LockHeldError, exclusive, lock_path_for
from ddbctl.migrate import checkpoint as cp
from tests.profiles import profile, write_files

CLOSED = "http://127.0.0.1:1"
A_PRIOR_REJECT = (
    b'{"seq": 0, "kind": "rejected", "source": "x", "position": null, "location": "x", '
    b'"code": "malformed_json", "reason": "r", "raw_text": "{"}\n'
)


class HeldElsewhere:
    """A process that holds the flock on ``lock`` until closed, as a running first
    migration does."""

    def __init__(self, lock: Path) -> None:
        code = textwrap.dedent(
            f"""
            import sys
            from pathlib import Path
            from ddbctl.exclusive import exclusive
            with exclusive(Path({str(lock)!r}), busy_message="busy"):
                print("held", flush=True)
                sys.stdin.read()
            """
        )
        root = Path(__file__).resolve().parent.parent
        self._process = subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout.readline() == "held\n"

    def close(self) -> None:
        self._process.stdin.close()
        assert self._process.wait(timeout=30) == 0


@pytest.fixture
def stopped_run(tmp_path):
    """A source and a stopped run's rejects file and checkpoint, as --resume needs them."""
    source = write_files(tmp_path / "in", {"a.json": profile(1), "b.json": profile(2)})
    rejects = tmp_path / "out" / "r.jsonl"
    rejects.parent.mkdir()
    rejects.write_bytes(A_PRIOR_REJECT)
    checkpoint = rejects.with_name("r.jsonl.checkpoint")
    cp.save(
        checkpoint,
        cp.Checkpoint(
            source=str(source.resolve()),
            table="dev-agent-profiles",
            fingerprint=cp.fingerprint([str(source / "a.json"), str(source / "b.json")]),
            next_seq=1,
            complete=False,
        ),
    )
    return source, rejects, checkpoint


def run(source: Path, rejects: Path, *extra: str) -> int:
    argv = ["migrate-profiles", str(source), "--env", "dev", "--endpoint-url", CLOSED]
    return main([*argv, "--rejects", str(rejects), *extra])


def snapshot(*paths: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in paths}


@pytest.mark.parametrize("resume", [[], ["--resume"]], ids=["fresh", "resume"])
def test_a_second_run_on_a_held_checkpoint_is_refused_and_touches_nothing(
    resume, stopped_run, capsys
):
    source, rejects, checkpoint = stopped_run
    before = snapshot(rejects, checkpoint)
    holder = HeldElsewhere(lock_path_for(checkpoint))
    try:
        assert run(source, rejects, *resume) == 1
    finally:
        holder.close()
    captured = capsys.readouterr()
    assert captured.out == ""  # refused before the run's first line
    assert captured.err == (
        f"ddbctl migrate-profiles: error: another migrate-profiles run is using the checkpoint "
        f"{checkpoint}: let it finish (or stop it and use --resume), or pass another --rejects "
        "and --checkpoint\n"
    )
    assert snapshot(rejects, checkpoint) == before  # byte for byte
    assert not checkpoint.with_name(checkpoint.name + ".tmp").exists()


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]], ids=["run", "dry-run"])
def test_a_run_on_a_rejects_file_another_run_is_writing_is_refused(dry_run, tmp_path, capsys):
    """A dry run keeps no checkpoint, yet it empties its rejects file: it locks that file,
    and so does every run, whatever its --checkpoint."""
    source = write_files(tmp_path / "in", {"a.json": profile(1)})
    rejects = tmp_path / "r.jsonl"
    rejects.write_bytes(A_PRIOR_REJECT)
    holder = HeldElsewhere(lock_path_for(rejects))
    try:
        assert run(source, rejects, "--checkpoint", str(tmp_path / "other.cp"), *dry_run) == 1
    finally:
        holder.close()
    assert capsys.readouterr().err == (
        f"ddbctl migrate-profiles: error: another migrate-profiles run is writing the rejects "
        f"file {rejects}: let it finish, or pass another --rejects\n"
    )
    assert rejects.read_bytes() == A_PRIOR_REJECT
    assert not (tmp_path / "other.cp").exists()


def test_the_lock_is_held_for_the_whole_run_and_released_after(monkeypatch, tmp_path, capsys):
    """While records are read and written, a second run would be refused; once the run is
    over, the next one starts (a flock dies with its holder too, so a killed run never
    blocks its own --resume)."""
    source = write_files(tmp_path / "in", {"a.json": profile(1)})
    rejects = tmp_path / "r.jsonl"
    seen: list[str] = []
    real_migration = command.Migration

    class Probing(real_migration):
        def run(self):
            for lock in (lock_path_for(rejects), lock_path_for(Path(f"{rejects}.checkpoint"))):
                with pytest.raises(LockHeldError), exclusive(lock, busy_message="held"):
                    pass
                seen.append(lock.name)
            return super().run()

    monkeypatch.setattr(command, "Migration", Probing)
    monkeypatch.setattr(command, "require_local_endpoint", lambda url: None)
    monkeypatch.setattr(command, "_require_table", lambda *args: None)
    monkeypatch.setattr(command, "ParallelWriter", lambda **kwargs: None)  # counts, no writes
    assert run(source, rejects) == 0
    assert seen == ["r.jsonl.lock", "r.jsonl.checkpoint.lock"]
    seen.clear()
    assert run(source, rejects) == 0  # released: the next run goes ahead
    assert seen == ["r.jsonl.lock", "r.jsonl.checkpoint.lock"]
    for lock in (lock_path_for(rejects), lock_path_for(Path(f"{rejects}.checkpoint"))):
        with exclusive(lock, busy_message="held"):
            pass


def test_a_lock_file_that_cannot_be_created_is_one_line(tmp_path, capsys):
    source = write_files(tmp_path / "in", {"a.json": profile(1)})
    rejects = tmp_path / "r.jsonl"
    lock_path_for(rejects).mkdir()  # something else already has the lock file's name
    assert run(source, rejects, "--dry-run") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"cannot create the lock file {lock_path_for(rejects)}" in err
    assert not rejects.exists()


def test_the_locks_are_documented_in_the_commands_exit_codes():
    assert "another run holds the lock on the same rejects" in " ".join(command.__doc__.split())


def test_an_output_that_is_no_file_gets_no_lock_file_beside_it(tmp_path, capsys):
    import os

    source = write_files(tmp_path / "in", {"a.json": profile(1)})
    fifo = tmp_path / "r.jsonl"
    os.mkfifo(fifo)
    assert run(source, fifo, "--dry-run") == 2
    assert "exists and is not a regular file: pass a new file path" in capsys.readouterr().err
    assert not lock_path_for(fifo).exists()

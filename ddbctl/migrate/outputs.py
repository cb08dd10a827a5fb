"""Where ``migrate-profiles`` may write its rejects file and checkpoint.

A run empties the rejects file and replaces the checkpoint before it reads
anything, so every check here runs first: the outputs must not be input files
or each other, must be writable, and, when they already exist, must be files
this command wrote. A ``--dry-run`` must not take the rejects file a stopped
run's ``--resume`` still needs. The checks of the paths run before the run's
lock (which lives beside the outputs); the checks that read the files run
under it.
"""

from __future__ import annotations

import os
from pathlib import Path

from ddbctl.local_state import state_dir
from ddbctl.migrate import checkpoint as cp
from ddbctl.migrate.reader import INPUT_SUFFIXES, FileList
from ddbctl.migrate.report import is_rejects_file

STATE_SUBDIR = "migrate-profiles"  # inside local_state.state_dir(), like `ddbctl local`


def default_rejects_path(*, table_name: str, mode: str = "") -> Path:
    """Where a run's rejects go without ``--rejects``: one file per table and kind of run
    (``mode``: a dry run, a ``--via-s3`` load), so no kind of run takes another's file."""
    suffix = f".{mode}" if mode else ""
    return state_dir() / STATE_SUBDIR / f"{table_name}{suffix}.rejects.jsonl"


class OutputError(Exception):
    """An output path that must not be used; the message names the fix."""


def check_output_paths(
    *, source: Path, files: FileList, rejects: Path, checkpoint: Path | None
) -> None:
    """Raise :class:`OutputError` unless both paths may hold outputs: not input files, not
    one file, writable (their directories are created). Reads neither file, so it runs
    before the run's lock, which needs the directories (``checkpoint`` is None for a dry
    run, which keeps none)."""
    outputs = {"--rejects": rejects, "--checkpoint": checkpoint}
    _refuse_overwriting_the_input(source, files, outputs)
    _refuse_one_file_for_both(rejects, checkpoint)
    _require_writable(outputs)
    _require_files(outputs)


def check_output_contents(*, rejects: Path, checkpoint: Path | None) -> None:
    """Raise :class:`OutputError` unless the files already there are this command's and
    free to overwrite. Reads them, so it runs under the run's lock: a file another run is
    writing is that run's business, and the lock says so."""
    _require_ours({"--rejects": rejects, "--checkpoint": checkpoint})
    if checkpoint is None:
        _refuse_a_stopped_runs_rejects(rejects)


def _refuse_overwriting_the_input(
    source: Path, files: FileList, outputs: dict[str, Path | None]
) -> None:
    """The rejects file is truncated and the checkpoint deleted before anything is read:
    pointed at an input file, either would destroy the input."""
    directory = os.path.realpath(source) if source.is_dir() else None
    for option, path in outputs.items():
        if path is None:
            continue
        if path.exists():
            is_input = path.is_file() and _same_as_any(path, files)
        else:  # a new file in a directory SOURCE: the next run or a --resume would read it
            real = os.path.realpath(path)
            is_input = (
                os.path.dirname(real) == directory and path.name.endswith(INPUT_SUFFIXES)
            ) or _a_dangling_link_to(real, files)
        if is_input:
            raise OutputError(
                f"{option} {path} is one of SOURCE's input files and would be overwritten: "
                f"pass a {option} path outside SOURCE"
            )


def _same_as_any(path: Path, files: FileList) -> bool:
    """Same file by device and inode (os.path.samefile), so symlinks and hard links count.

    An input that cannot be stat'ed (a dangling link, a link loop) is no existing file, so
    it is not ``path``; the reader rejects it as ``unreadable``."""
    status = path.stat()
    for name in files:
        try:
            if os.path.samestat(status, os.stat(name)):
                return True
        except OSError:
            continue
    return False


def _a_dangling_link_to(real: str, files: FileList) -> bool:
    """An input named b.json that links to the output-to-be would read it on the next run."""
    return any(
        os.path.islink(name) and not os.path.exists(name) and os.path.realpath(name) == real
        for name in files
    )


def _refuse_one_file_for_both(rejects: Path, checkpoint: Path | None) -> None:
    """One file as both would hold neither: each save replaces what the other wrote."""
    if checkpoint is None:
        return
    same = os.path.realpath(rejects) == os.path.realpath(checkpoint) or (
        rejects.exists() and checkpoint.exists() and os.path.samefile(rejects, checkpoint)
    )
    if same:
        raise OutputError(
            f"--rejects and --checkpoint are the same file ({rejects}): give them different "
            "paths (or drop --checkpoint to use the rejects file's name + .checkpoint)"
        )


def _require_files(outputs: dict[str, Path | None]) -> None:
    """A run empties the rejects file and replaces the checkpoint: never /dev/null, a FIFO
    or a link to nothing (and no lock file is made beside one)."""
    for option, path in outputs.items():
        if path is None or not os.path.lexists(path):
            continue
        if not path.is_file():
            what = (
                "is a symbolic link to nothing"
                if path.is_symlink() and not path.exists()
                else "exists and is not a regular file"
            )
            raise OutputError(f"{option} {path} {what}: pass a new file path")


def _require_ours(outputs: dict[str, Path | None]) -> None:
    """Only ever empty or replace a file this command wrote: never a README or someone's
    data."""
    for option, path in outputs.items():
        if path is None or not path.is_file():
            continue
        looks_like = _is_checkpoint if option == "--checkpoint" else is_rejects_file
        if path.stat().st_size and not looks_like(path):
            what = "checkpoint" if option == "--checkpoint" else "rejects file"
            raise OutputError(
                f"{option} {path} is not a ddbctl {what}, and a run would overwrite it: pass "
                "a new path (or delete the file if you are sure)"
            )


def _load_checkpoint(path: Path) -> cp.Checkpoint | None:
    """The checkpoint at ``path``, or None when there is none or it is not one of ours."""
    try:
        return cp.load(path)
    except (cp.CheckpointError, OSError):
        return None


def _is_checkpoint(path: Path) -> bool:
    return _load_checkpoint(path) is not None


def _refuse_a_stopped_runs_rejects(rejects: Path) -> None:
    """A dry run rewrites its rejects file; a stopped run's --resume needs that file."""
    path = rejects.with_name(rejects.name + ".checkpoint")
    checkpoint = _load_checkpoint(path)
    if checkpoint is not None and not checkpoint.complete:
        raise OutputError(
            f"--rejects {rejects} belongs to a stopped run that --resume can continue "
            f"({path}): give the dry run another --rejects path"
        )


def _require_writable(outputs: dict[str, Path | None]) -> None:
    """Fail before anything is written (to disk or the table) if an output cannot be."""
    for option, path in outputs.items():
        if path is None:
            continue
        if path.is_dir():
            raise OutputError(
                f"{option} {path} is a directory: pass a file path, such as {path / 'x'}"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise OutputError(
                f"{option} {path}: cannot create its directory {path.parent} "
                f"({error.strerror}): pass a path in a writable directory"
            ) from None
        if not os.access(path.parent, os.W_OK | os.X_OK) or (
            path.exists() and not os.access(path, os.W_OK)
        ):
            raise OutputError(
                f"{option} {path} is not writable: pass a path in a writable directory"
            )

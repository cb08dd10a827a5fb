"""Claiming a migration's outputs: the one guard both the direct and the ``--via-s3``
path pass before they empty a rejects file or replace a checkpoint.

The checks of the paths run first (they read nothing), then the run's locks, then
the checks that read the files, so two runs can never truncate each other's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from ddbctl.errors import EXIT_USAGE, CliError
from ddbctl.exclusive import exclusive, lock_path_for
from ddbctl.migrate.outputs import OutputError, check_output_contents, check_output_paths
from ddbctl.migrate.path_limits import PathTooLongError, require_short_enough
from ddbctl.migrate.reader import FileList, SourceError, list_files


def require_short_enough_path(option: str, path: Path, *, longest_suffix: str = "") -> None:
    try:
        require_short_enough(option, path, longest_suffix=longest_suffix)
    except PathTooLongError as error:
        raise CliError(str(error), exit_code=EXIT_USAGE) from None


def listed_source(source: Path) -> FileList:
    """SOURCE's input files; a path too long or an unlistable SOURCE is exit 2."""
    require_short_enough_path("SOURCE", source)
    try:
        return list_files(source)
    except SourceError as error:
        raise CliError(str(error), exit_code=EXIT_USAGE) from None


@contextlib.contextmanager
def claimed_outputs(
    *,
    source: Path,
    files: FileList,
    rejects_path: Path,
    checkpoint_path: Path | None = None,
    derived_checkpoint: bool = False,
) -> Iterator[None]:
    """Hold ``rejects_path`` (and ``checkpoint_path``, None when the run keeps none) for
    the block, after checking both may be written. ``derived_checkpoint`` says the
    checkpoint's name is the rejects file's plus ``.checkpoint``."""
    rejects_siblings = ".checkpoint.lock" if derived_checkpoint else ".lock"
    require_short_enough_path("--rejects", rejects_path, longest_suffix=rejects_siblings)
    if checkpoint_path is not None and not derived_checkpoint:
        require_short_enough_path("--checkpoint", checkpoint_path, longest_suffix=".lock")
    try:
        check_output_paths(
            source=source, files=files, rejects=rejects_path, checkpoint=checkpoint_path
        )
    except OutputError as error:
        raise CliError(str(error), exit_code=EXIT_USAGE) from None
    with _alone(rejects_path=rejects_path, checkpoint_path=checkpoint_path):
        try:
            check_output_contents(rejects=rejects_path, checkpoint=checkpoint_path)
        except OutputError as error:
            raise CliError(str(error), exit_code=EXIT_USAGE) from None
        yield


@contextlib.contextmanager
def _alone(*, rejects_path: Path, checkpoint_path: Path | None) -> Iterator[None]:
    """Two runs on one rejects file or checkpoint would truncate and replace each other's
    (a second run once emptied the first's rejects file). Held from before either is
    touched until both are closed; a run that keeps no checkpoint locks its rejects file
    only. The kernel drops a flock when its holder dies, so a killed run never blocks its
    own --resume."""
    with contextlib.ExitStack() as held:
        if checkpoint_path is not None:
            held.enter_context(
                exclusive(
                    lock_path_for(checkpoint_path),
                    busy_message=f"another migrate-profiles run is using the checkpoint "
                    f"{checkpoint_path}: let it finish (or stop it and use --resume), or pass "
                    "another --rejects and --checkpoint",
                )
            )
        held.enter_context(
            exclusive(
                lock_path_for(rejects_path),
                busy_message=f"another migrate-profiles run is writing the rejects file "
                f"{rejects_path}: let it finish, or pass another --rejects",
            )
        )
        yield

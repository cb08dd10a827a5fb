"""One process at a time on a file: the lock every checkpointing command takes.

``flock`` is released by the kernel when the holder dies, so a killed run never
leaves its lock behind, and a resumed run can take it at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import time
from collections.abc import Iterator
from pathlib import Path

from ddbctl.errors import CliError


class LockHeldError(CliError):
    """Another process holds the lock; the message names what it guards and the fix."""


@contextlib.contextmanager
def exclusive(lock_path: Path, *, busy_message: str, wait: float = 0.0) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``lock_path`` (created if absent) for the block.

    ``wait`` is how long to retry before raising :class:`LockHeldError` with
    ``busy_message``; 0 refuses at once, which is what a second migration or copy
    on the same checkpoint needs.
    """
    try:
        handle = open(lock_path, "a", encoding="utf-8")  # noqa: SIM115 - held for the block
    except OSError as error:
        raise CliError(
            f"cannot create the lock file {lock_path} ({error.strerror}): "
            "make its directory writable, or choose another location"
        ) from None
    with handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockHeldError(busy_message) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def lock_path_for(path: Path) -> Path:
    """The lock file guarding ``path`` (a checkpoint): beside it, named for it."""
    return path.with_name(f"{path.name}.lock")

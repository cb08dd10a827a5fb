"""Files that several test processes of one run build once and read: the first process to
need one builds it under a lock while the others wait, and nobody reads half a file.

The template cache and the permission recordings share this; ddbctl's own locks
(ddbctl/exclusive.py) refuse a second holder instead of waiting for it.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def locked(lock_file: Path) -> Iterator[None]:
    """Held by one process at a time; the others block until it is released."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_atomically(path: Path, data: bytes) -> None:
    """Written beside ``path``, then renamed over it: readers see all of it or none."""
    partial = path.with_suffix(".partial")
    partial.write_bytes(data)
    partial.replace(path)

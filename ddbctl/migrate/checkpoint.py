"""What a run has durably finished, so a killed run can continue with ``--resume``.

Each record gets a sequence number in read order. The checkpoint holds
``next_seq``: every record before it is done, meaning written to the table or
recorded in the rejects file (rejected or not written). It is saved after the
rejects file is flushed and fsynced, by writing a temporary file and
``os.replace``-ing it, so a kill at any moment leaves the old or the new
checkpoint, never a torn one.

Resume re-reads the input from the start (cheaply: to rebuild the duplicate
rule's seen ids and the counts), writes nothing for records before
``next_seq``, and re-processes the rest. Items after ``next_seq`` that were
already written are written again: PutItem of the same item is idempotent, so
the table ends as one clean run leaves it. Rejects-file lines for records at or
after ``next_seq`` are dropped before resuming, so no reject is listed twice.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

VERSION = 1


class CheckpointError(Exception):
    """The checkpoint cannot be used; the message names the fix."""


@dataclass(frozen=True)
class Checkpoint:
    source: str
    table: str
    fingerprint: str
    next_seq: int
    complete: bool
    version: int = VERSION
    # The rejects file as it was when this was saved: its first rejects_size bytes hash to
    # rejects_sha256. Empty in checkpoints from before this check.
    rejects_size: int = 0
    rejects_sha256: str = ""


def fingerprint(files: Iterable[str]) -> str:
    """Names, sizes and modification times of the input: a changed input cannot be resumed.

    Names are hashed as the bytes the file system holds (``os.fsencode``), so a name that is
    not UTF-8 (Latin-1, say) counts like any other."""
    digest = hashlib.sha256()
    for path in files:
        try:
            status = os.stat(path)
        except OSError:
            status = os.lstat(path)  # a broken link or a link loop: its own size and time
        digest.update(os.fsencode(os.path.basename(path)))
        digest.update(f"\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def load(path: Path) -> Checkpoint | None:
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        checkpoint = Checkpoint(**data)
    except (ValueError, TypeError):
        raise CheckpointError(
            f"checkpoint {path} is unreadable: delete it and run without --resume"
        ) from None
    if checkpoint.version != VERSION:
        raise CheckpointError(
            f"checkpoint {path} has version {checkpoint.version}, this ddbctl writes {VERSION}: "
            "run without --resume"
        )
    return checkpoint


def require_same_run(
    checkpoint: Checkpoint, *, path: Path, source: str, table: str, fingerprint_: str
) -> None:
    """Refuse to resume a different input or table: its sequence numbers mean other records."""
    if checkpoint.source != source or checkpoint.table != table:
        raise CheckpointError(
            f"checkpoint {path} is for {checkpoint.source} -> {checkpoint.table}, not "
            f"{source} -> {table}: pass the same SOURCE and --env, or run without --resume"
        )
    if checkpoint.fingerprint != fingerprint_:
        raise CheckpointError(
            f"{source} changed since checkpoint {path} was written (files, sizes or times "
            "differ): run without --resume to start over"
        )


def require_rejects_unchanged(checkpoint: Checkpoint, *, path: Path, rejects: Path) -> None:
    """The not-written counts of the stopped run live in its rejects file; if another run
    (a --dry-run with the same --rejects, say) or an edit changed it, they are wrong."""
    if not checkpoint.rejects_sha256:
        return
    digest = hashlib.sha256()
    remaining = checkpoint.rejects_size
    with open(rejects, "rb") as handle:
        while remaining > 0 and (chunk := handle.read(min(remaining, 1 << 20))):
            digest.update(chunk)
            remaining -= len(chunk)
    if remaining > 0 or digest.hexdigest() != checkpoint.rejects_sha256:
        raise CheckpointError(
            f"the rejects file {rejects} changed since checkpoint {path} was saved (another "
            "run or an edit rewrote it), so the stopped run's not-written records cannot be "
            "counted: restore it, or run without --resume"
        )


def save(path: Path, checkpoint: Checkpoint) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(asdict(checkpoint), handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


@dataclass(frozen=True)
class Trimmed:
    """What is left of the rejects file: its entries as {(kind, code): (count, first
    reason)}, and its size and sha256 for the next checkpoint."""

    kept: dict[tuple[str, str], tuple[int, str]]
    size: int
    sha256: str


def trim_rejects(path: Path, next_seq: int) -> Trimmed:
    """Keep only rejects-file lines for records before ``next_seq`` (a torn last line is
    dropped too)."""
    kept: dict[tuple[str, str], tuple[int, str]] = {}
    digest = hashlib.sha256()
    size = 0
    if not path.exists():
        return Trimmed(kept, size, digest.hexdigest())
    temporary = path.with_name(path.name + ".tmp")
    with open(path, "rb") as source, open(temporary, "wb") as target:
        for line in source:
            try:
                entry = json.loads(line)
                seq = entry["seq"]
                key = (entry["kind"], entry["code"])
                reason = str(entry["reason"])
            except (ValueError, KeyError, TypeError):
                continue
            if isinstance(seq, int) and seq < next_seq:
                line = line if line.endswith(b"\n") else line + b"\n"
                target.write(line)
                digest.update(line)
                size += len(line)
                count, first = kept.get(key, (0, reason))
                kept[key] = (count + 1, first)
        target.flush()
        os.fsync(target.fileno())
    os.replace(temporary, path)
    return Trimmed(kept, size, digest.hexdigest())

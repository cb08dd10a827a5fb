"""Counts, the rejects file, the closing summary and the progress bar."""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from ddbctl import exact_json
from ddbctl.errors import EXIT_FAILURE, EXIT_INTERRUPTED
from ddbctl.migrate.nesting import to_json
from ddbctl.migrate.problems import TOO_DEEP, Problem
from ddbctl.progress import stderr_progress

REJECTED = "rejected"
NOT_WRITTEN = "not_written"


@dataclass
class Tally:
    """Every record read ends in exactly one of written, rejected or not written."""

    read: int = 0
    written: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    not_written: dict[str, int] = field(default_factory=dict)
    examples: dict[tuple[str, str], str] = field(default_factory=dict)
    omitted: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, problem: Problem, number: int = 1) -> None:
        bucket = self.rejected if kind == REJECTED else self.not_written
        bucket[problem.code] = bucket.get(problem.code, 0) + number
        self.examples.setdefault((kind, problem.code), problem.message)

    def omit(self, key: str) -> None:
        self.omitted[key] = self.omitted.get(key, 0) + 1

    @property
    def total_rejected(self) -> int:
        return sum(self.rejected.values())

    @property
    def total_not_written(self) -> int:
        return sum(self.not_written.values())

    @property
    def balanced(self) -> bool:
        return self.read == self.written + self.total_rejected + self.total_not_written


def summary_lines(
    tally: Tally, *, dry_run: bool, rejects: Path | None, unfinished: int = 0
) -> list[str]:
    """The closing report. ``unfinished``: records of a stopped run still in flight (neither
    written nor reported yet), so that even a stopped run's first line adds up."""
    written = "valid (dry run, nothing written)" if dry_run else "written"
    lines = [
        f"read {tally.read} = {written} {tally.written} + rejected {tally.total_rejected}"
        f" + not written {tally.total_not_written}"
        + (f" + unfinished {unfinished}" if unfinished else "")
    ]
    for kind, bucket in ((REJECTED, tally.rejected), (NOT_WRITTEN, tally.not_written)):
        for code, number in sorted(bucket.items(), key=lambda kv: (-kv[1], kv[0])):
            example = tally.examples.get((kind, code), "see the rejects file")
            lines.append(f"  {kind.replace('_', ' ')} {number} {code}: e.g. {example}")
    for key, number in sorted(tally.omitted.items()):
        lines.append(
            f"  {key} omitted on {number} item(s): missing or blank, so not written into "
            f"the {'job' if key == 'job' else 'location'}-index key"
        )
    if rejects is not None and (tally.total_rejected or tally.total_not_written):
        lines.append(f"rejects: {rejects}")
    return lines


def printable(text: str) -> str:
    """``text`` safe for any stdout. A file name that is not UTF-8 (a Latin-1 name, say)
    reaches Python with lone surrogates in it, which a strict UTF-8 stdout refuses with a
    traceback; each is shown as its backslash escape, as the rejects file spells it."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


# How every entry RejectsLog writes begins; an entry can be megabytes long (an oversize
# record is kept whole), so the start is what identifies the file.
_ENTRY_START = re.compile(
    rb'\{"seq": \d+, "kind": "(' + REJECTED.encode() + b"|" + NOT_WRITTEN.encode() + rb')", '
)


def is_rejects_file(path: Path) -> bool:
    """Its first line begins like one of :class:`RejectsLog`'s entries (the rest is judged
    when it is read back)."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(64)
    except OSError:
        return False
    return _ENTRY_START.match(start) is not None


class Located(Protocol):
    """Where a record came from, as a rejects entry records it: a reader's SourceRecord, a
    writer's Pending, or an :class:`Origin` for places that are neither."""

    @property
    def path(self) -> str: ...
    @property
    def position(self) -> int | None: ...
    @property
    def location(self) -> str: ...


@dataclass(frozen=True)
class Origin:
    """A place given outright, such as a line of the bulk put's error report."""

    path: str
    position: int | None
    location: str


class RejectsLog:
    """JSON Lines, one entry per record not written: where it came from, why, and the record
    itself (``record``) or, when it was not parseable JSON, its text (``raw_text``).

    A ``too_deep`` record is always given as its JSON text in ``raw_text``: nested as it is,
    it would make each line too deep for ``json``, ``jq`` or ``--resume`` to read back."""

    def __init__(self, path: Path, *, append: bool) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # A running digest of every byte in the file, saved with each checkpoint, so a
        # resume can tell the file is still the one the stopped run wrote.
        self._digest = hashlib.sha256()
        self.size = 0
        if append and path.exists():
            with open(path, "rb") as existing:
                for chunk in iter(lambda: existing.read(1 << 20), b""):
                    self._digest.update(chunk)
                    self.size += len(chunk)
        self._handle: IO[bytes] = open(path, "ab" if append else "wb")  # noqa: SIM115

    def add(
        self,
        *,
        seq: int,
        kind: str,
        origin: Located,
        problem: Problem,
        record: Any = None,
        raw_text: str | None = None,
    ) -> None:
        entry: dict[str, Any] = {
            "seq": seq,
            "kind": kind,
            "source": origin.path,
            "position": origin.position,
            "location": origin.location,
            "code": problem.code,
            "reason": problem.message,
        }
        if raw_text is None and problem.code == TOO_DEEP:
            raw_text = to_json(record)
        if raw_text is not None:
            entry["raw_text"] = raw_text
        else:
            entry["record"] = record
        try:
            data = (exact_json.dumps(entry) + "\n").encode()
        except UnicodeEncodeError:  # a lone surrogate: \u-escaped, it reads back exactly
            data = (exact_json.dumps(entry, ensure_ascii=True) + "\n").encode()
        self._handle.write(data)
        self._digest.update(data)
        self.size += len(data)

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    def sync(self) -> None:
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        self._handle.close()


def report_stopped(*, interrupted: bool, fatal: object, next_step: str) -> int:
    """Say on stderr why a migrate-profiles run stopped early and what to do next
    (``next_step`` starts with its own separator); the exit code it means."""
    why = "interrupted" if interrupted else f"stopped: {fatal}"
    print(f"ddbctl migrate-profiles: {why}{next_step}", file=sys.stderr)
    return EXIT_INTERRUPTED if interrupted else EXIT_FAILURE


def progress_enabled() -> bool:
    """A bar for people at a terminal; nothing in CI logs or pipes."""
    return sys.stderr.isatty() and not os.environ.get("CI")


@contextmanager
def progress_bar(*, total_bytes: int, enabled: bool, dry_run: bool = False) -> Iterator[Any]:
    """Yields ``update(bytes_done, tally)``; a no-op when disabled."""
    if not enabled:
        yield lambda bytes_done, tally: None
        return
    with stderr_progress("migrating") as progress:
        task = progress.add_task("migrate", total=max(total_bytes, 1), status="")

        def update(bytes_done: int, tally: Tally) -> None:
            progress.update(
                task,
                completed=bytes_done,
                status=f"{tally.written} {'valid' if dry_run else 'written'}, "
                f"{tally.total_rejected} rejected, "
                f"{tally.total_not_written} not written",
            )

        yield update

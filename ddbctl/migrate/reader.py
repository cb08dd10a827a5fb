"""Stream profile records, one at a time, each with the place it came from.

Sources: a directory of ``*.json`` files (seed 004's ``json_storage/``; each
file holds one profile object or a JSON array of them) and ``*.jsonl`` files
(one profile per line), or one ``.jsonl`` / ``.json`` file. Files are read in
name order so every run sees the records in the same order, which duplicate
detection and ``--resume`` rely on.

Memory stays flat: a single-object file or a JSON Lines line is read whole
(bounded by ``MAX_DOCUMENT_BYTES``), and a JSON array is split into its
elements' bytes as it streams (``array_elements``), each element then parsed
like a file of its own. Numbers with a fraction or exponent are parsed
straight to ``Decimal``, so no value ever passes through a binary float.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from ddbctl.migrate.array_elements import split_array
from ddbctl.migrate.nesting import too_deep
from ddbctl.migrate.problems import MALFORMED_JSON, NOT_UTF8, OVERSIZE, UNREADABLE, Problem

# Far above what fits a 400 KB item, yet small enough to read whole.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
_WHITESPACE = b" \t\r\n"
_BOM = b"\xef\xbb\xbf"
INPUT_SUFFIXES = (".json", ".jsonl")


class SourceError(Exception):
    """SOURCE cannot be read at all (missing, empty, wrong kind); the message names the fix."""


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One record as read. Exactly one of ``value`` (parsed JSON) or ``problem`` is meaningful."""

    file_index: int
    path: str
    position: int | None  # 1-based line of a .jsonl, 0-based element of an array, None: whole file
    value: Any = None
    problem: Problem | None = None
    raw_text: str | None = None

    @property
    def location(self) -> str:
        return describe_location(self.path, self.position)


def describe_location(path: str, position: int | None) -> str:
    """``a.json``, ``a.json element 3`` (0-based, in an array) or ``b.jsonl line 7`` (1-based)."""
    if position is None:
        return path
    return f"{path} line {position}" if path.endswith(".jsonl") else f"{path} element {position}"


class FileList:
    """File paths in name order, packed into one string.

    100,000 paths held as separate Python strings cost about 10 MB, packed about 2 MB:
    the one part of the input, besides the seen ids, that memory has to hold.
    """

    def __init__(self, directory: str, names: list[str], skipped: list[str] | None = None) -> None:
        self._directory = directory
        self.skipped = skipped or []  # regular files in a directory SOURCE that are not read
        self._packed = "\0".join(names)  # "\0" cannot occur in a file name
        self._starts = array("Q")
        start = 0
        for name in names:
            self._starts.append(start)
            start += len(name) + 1

    def __len__(self) -> int:
        return len(self._starts)

    def __getitem__(self, index: int) -> str:
        start = self._starts[index]
        end = self._starts[index + 1] - 1 if index + 1 < len(self._starts) else len(self._packed)
        return os.path.join(self._directory, self._packed[start:end])

    def __iter__(self) -> Iterator[str]:
        return (self[index] for index in range(len(self)))


def list_files(source: Path) -> FileList:
    """The files to read, in name order. Raises :class:`SourceError` for a bad SOURCE."""
    if not source.exists():
        if os.path.islink(source):
            raise SourceError(
                f"{source} is a symbolic link that leads nowhere (its target is missing, or it "
                "loops): point SOURCE at the real directory or file"
            )
        raise SourceError(
            f"{source} does not exist: pass a directory of *.json profile files or a .jsonl file"
        )
    if source.is_dir():
        names, skipped = [], []
        try:
            with os.scandir(source) as entries:
                for entry in entries:
                    is_dir = _resolves_to_directory(entry)
                    if entry.name.endswith(INPUT_SUFFIXES) and not is_dir:
                        names.append(entry.name)  # a broken link or FIFO too: it gets a reject
                    elif entry.name.startswith("."):
                        continue  # .DS_Store, .git/ and the like: silently
                    elif is_dir:  # not read, but named: its files are not missed unseen
                        skipped.append(entry.name + "/")
                    elif _resolves_to_file(entry):
                        skipped.append(entry.name)
        except OSError as error:
            raise SourceError(
                f"cannot list {source}: {error.strerror or error}: fix its permissions "
                "(read and execute) and re-run"
            ) from None
        if not names:
            raise SourceError(
                f"{source} holds no *.json or *.jsonl files: point SOURCE at the json_storage "
                "directory or at a .jsonl file"
            )
        return FileList(str(source), sorted(names), sorted(skipped))
    if source.suffix in (".jsonl", ".json"):
        if not source.is_file():
            raise SourceError(
                f"{source} is not a regular file (a FIFO, socket or device): save the profiles "
                "to a file and pass that"
            )
        return FileList("", [str(source)])
    raise SourceError(
        f"{source} is neither a directory nor a .json/.jsonl file: pass json_storage/ or a .jsonl"
    )


def _resolves_to_directory(entry: os.DirEntry) -> bool:
    """A link that loops back on itself makes ``is_dir`` raise ELOOP: it is no directory,
    and, named like an input file, it becomes an ``unreadable`` reject like a dangling one."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _resolves_to_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


class RecordReader:
    """Iterates :class:`SourceRecord` over ``files``; ``bytes_done`` drives the progress bar."""

    def __init__(self, files: FileList) -> None:
        self.files = files
        self.bytes_done = 0

    def __iter__(self) -> Iterator[SourceRecord]:
        for index, path in enumerate(self.files):
            start = self.bytes_done
            size = 0
            records = 0
            try:
                _require_regular(path)  # before open: opening a FIFO would wait forever
                with open(path, "rb") as handle:
                    size = os.fstat(handle.fileno()).st_size
                    parts = (
                        self._lines(index, path, handle, start)
                        if path.endswith(".jsonl")
                        else _document(index, path, handle, size)
                    )
                    for record in parts:
                        records += 1
                        yield record
            except OSError as error:
                yield _unreadable(index, path, error, after=records)
            self.bytes_done = start + size

    def _lines(
        self, index: int, path: str, handle: IO[bytes], start: int
    ) -> Iterator[SourceRecord]:
        line_number = 0
        while True:
            line = handle.readline(MAX_DOCUMENT_BYTES + 1)
            if not line:
                return
            line_number += 1
            if len(line) > MAX_DOCUMENT_BYTES and not line.endswith(b"\n"):
                while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                    pass
                yield SourceRecord(index, path, line_number, problem=_too_big("line"))
            elif line.strip(_WHITESPACE):
                yield parse_document(index, path, line_number, line)
            self.bytes_done = start + handle.tell()


def _document(index: int, path: str, handle: IO[bytes], size: int) -> Iterator[SourceRecord]:
    if _first_byte(handle) == b"[":
        handle.seek(0)
        yield from _array(index, path, handle)
        return
    if size > MAX_DOCUMENT_BYTES:
        yield SourceRecord(index, path, None, problem=_too_big("file"))
        return
    handle.seek(0)
    # Read exactly the file (+1: a file that grew shows as malformed); read(16 MiB) would
    # allocate 16 MiB per file.
    yield parse_document(index, path, None, handle.read(size + 1))


def _first_byte(handle: IO[bytes]) -> bytes:
    """The first byte after a BOM and any amount of whitespace; b"" for an empty file."""
    chunk = handle.read(4096).removeprefix(_BOM)
    while chunk:
        rest = chunk.lstrip(_WHITESPACE)
        if rest:
            return rest[:1]
        chunk = handle.read(1 << 16)
    return b""


def parse_document(index: int, path: str, position: int | None, data: bytes) -> SourceRecord:
    """One JSON text -> a record, or a record carrying why it could not be parsed."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return SourceRecord(
            index,
            path,
            position,
            problem=Problem(
                NOT_UTF8,
                f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}): "
                "re-save the file as UTF-8",
            ),
            raw_text=data.decode("utf-8", "backslashreplace"),
        )
    if not text.strip():
        return SourceRecord(
            index,
            path,
            position,
            problem=Problem(
                MALFORMED_JSON,
                "malformed JSON: nothing there (empty): remove it, or put the profile back",
            ),
        )
    try:
        # Trailing whitespace off: a record cut short then fails "at line 1 column N" of its
        # own text, not on the line's newline.
        value = json.loads(text.rstrip(), parse_float=Decimal, parse_constant=_no_constant)
    except RecursionError:
        problem = too_deep(" (too deep even to parse)")
        return SourceRecord(index, path, position, problem=problem, raw_text=text)
    except ValueError as error:
        detail = (
            f"{error.msg} at line {error.lineno} column {error.colno}"
            if isinstance(error, json.JSONDecodeError)
            else str(error)
        )
        return SourceRecord(
            index,
            path,
            position,
            problem=Problem(
                MALFORMED_JSON, f"malformed JSON: {detail}: fix the record in its source file"
            ),
            raw_text=text,
        )
    return SourceRecord(index, path, position, value=value)


def _array(index: int, path: str, handle: IO[bytes]) -> Iterator[SourceRecord]:
    for element, piece in enumerate(split_array(handle, max_element=MAX_DOCUMENT_BYTES)):
        if piece.broken is not None:
            yield SourceRecord(
                index,
                path,
                element,
                problem=Problem(
                    MALFORMED_JSON,
                    f"malformed JSON array: {piece.broken}; elements {element} and later "
                    "were not read (raw_text holds the start of the rest): fix the file and "
                    "re-run",
                ),
                raw_text=piece.data.decode("utf-8", "backslashreplace"),
            )
            return
        if piece.oversize:
            yield SourceRecord(
                index, path, element, problem=_too_big(f"array element ({piece.oversize:,} bytes)")
            )
        else:
            yield parse_document(index, path, element, piece.data)


class _BadLinkError(OSError):
    """An input name that is a symbolic link leading nowhere: the fix is the link."""


def _require_regular(path: str) -> None:
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        if not os.path.islink(path):
            raise
        if error.errno == errno.ELOOP:
            raise _BadLinkError(error.errno, "a symbolic link that loops back on itself") from None
        if error.errno == errno.ENOENT:
            raise _BadLinkError(
                error.errno, "a symbolic link to a file that does not exist"
            ) from None
        raise
    if not stat.S_ISREG(mode):
        raise OSError(errno.EINVAL, "not a regular file (a FIFO, socket or device)")


def _unreadable(index: int, path: str, error: OSError, *, after: int) -> SourceRecord:
    where = "the file" if after == 0 else f"the rest of the file (after {after} record(s))"
    fix = (
        "point the link at the real file, or remove it,"
        if isinstance(error, _BadLinkError)
        else "fix the file's permissions or storage and"
    )
    return SourceRecord(
        index,
        path,
        None,
        problem=Problem(
            UNREADABLE,
            f"cannot read {where}: {error.strerror or error}; its records were not read: "
            f"{fix} re-run without --resume",
        ),
    )


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON (JSON has no NaN or Infinity)")


def _too_big(what: str) -> Problem:
    return Problem(
        OVERSIZE,
        f"{what} is over {MAX_DOCUMENT_BYTES:,} bytes, read no further: a profile item must stay "
        "under DynamoDB's 400 KB",
    )

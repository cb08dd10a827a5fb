"""Split a file holding one JSON array into the raw bytes of its elements, streaming.

Each element is then parsed on its own by the same ``json.loads`` as a single-profile
file, so an array element gets exactly the checks, errors and ``raw_text`` a file gets:
a malformed or non-UTF-8 element is one reject and the elements after it are still read.
A streaming JSON parser could not give that: ijson's C backend stops at the first bad
element (losing the rest of the array) and silently turns a lone ``\\ud800`` escape
into ``?``, changing the data.

The scanner only tracks strings (with their escapes) and bracket depth, so it finds
element boundaries without understanding values. Memory is bounded: an element over
``max_element`` bytes is scanned to its end without being kept and comes back as
oversize.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

_STRUCTURE = re.compile(rb'["\[\]{},]')
_IN_STRING = re.compile(rb'["\\]')
_NOT_WHITESPACE = re.compile(rb"[^ \t\r\n]")
_BOM = b"\xef\xbb\xbf"
CHUNK_BYTES = 1 << 16
TAIL_BYTES = 64 * 1024  # how much of a broken array's unread tail a reject keeps


@dataclass(frozen=True, slots=True)
class Piece:
    """One element's bytes; or ``oversize`` (its size); or ``broken`` (why the array cannot be
    split further) with ``data`` holding the start of the unread rest."""

    data: bytes = b""
    oversize: int = 0
    broken: str | None = None


class _Buffer:
    """Bytes read from the file and not yet consumed."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self.data = bytearray()  # del from the front and += at the end are both cheap
        self.eof = False

    def fill(self) -> bool:
        chunk = self._handle.read(CHUNK_BYTES)
        if not chunk:
            self.eof = True
            return False
        self.data += chunk
        return True

    def drop_before(self, index: int) -> None:
        del self.data[:index]

    def skip_whitespace(self, index: int) -> int:
        """The index of the next byte that is not whitespace (or the end). Whitespace
        already passed is dropped as it goes, so a long run of it costs no memory."""
        while True:
            found = _NOT_WHITESPACE.search(self.data, index)
            if found is not None:
                return found.start()
            self.data.clear()
            index = 0
            if not self.fill():
                return 0


def split_array(handle: IO[bytes], *, max_element: int) -> Iterator[Piece]:
    """The elements of the array that ``handle`` holds (positioned at the file's start)."""
    buffer = _Buffer(handle)
    buffer.fill()
    if buffer.data.startswith(_BOM):
        buffer.drop_before(len(_BOM))
    index = buffer.skip_whitespace(0)
    if buffer.data[index : index + 1] != b"[":
        yield _broken(buffer, index, "the file does not start with [")
        return
    index = buffer.skip_whitespace(index + 1)
    if buffer.data[index : index + 1] == b"]":
        yield from _after_end(buffer, index + 1)
        return
    while True:
        buffer.drop_before(index)
        end, closer, size = _scan_element(buffer, max_element=max_element)
        if closer is None:
            yield _broken(buffer, 0, "the array is not closed (the file ends inside it)")
            return
        yield Piece(oversize=size) if size > max_element else Piece(data=bytes(buffer.data[:end]))
        if closer == b"]":
            yield from _after_end(buffer, end + 1)
            return
        index = buffer.skip_whitespace(end + 1)
        if buffer.data[index : index + 1] == b"]":
            yield _broken(buffer, index, "a comma before the array's closing ]")
            return


def _scan_element(buffer: _Buffer, *, max_element: int) -> tuple[int, bytes | None, int]:
    """From the element's start (``buffer.data[0]``) to the ``,`` or ``]`` that ends it:
    (its end index, that byte or None at end of file, its size in bytes). Past
    ``max_element`` the bytes scanned are dropped and only counted."""
    depth = 0
    in_string = False
    index = 0
    dropped = 0
    while True:
        pattern = _IN_STRING if in_string else _STRUCTURE
        match = pattern.search(buffer.data, index)
        if match is None or (match.group() == b"\\" and match.end() == len(buffer.data)):
            index = len(buffer.data) if match is None else match.start()
            if dropped or index > max_element:  # oversize: keep counting, stop keeping
                dropped += index
                buffer.drop_before(index)
                index = 0
            if not buffer.fill():
                return len(buffer.data), None, dropped + len(buffer.data)
            continue
        byte = match.group()
        index = match.end()
        if in_string:
            if byte == b"\\":
                index += 1  # the escaped byte, whatever it is
            else:
                in_string = False
        elif byte == b'"':
            in_string = True
        elif byte in b"[{":
            depth += 1
        elif depth > 0:
            if byte != b",":
                depth -= 1
        elif byte != b"}":  # a "}" at depth 0 is a malformed element; json.loads reports it
            return match.start(), byte, dropped + match.start()


def _after_end(buffer: _Buffer, index: int) -> Iterator[Piece]:
    index = buffer.skip_whitespace(index)
    if index < len(buffer.data):
        yield _broken(buffer, index, "text after the array's closing ]")


def _broken(buffer: _Buffer, index: int, why: str) -> Piece:
    while len(buffer.data) - index < TAIL_BYTES and buffer.fill():
        pass
    return Piece(data=bytes(buffer.data[index : index + TAIL_BYTES]), broken=why)

"""Is this text one complete ``cdk diff --all`` of the expected stacks?

The gate in :mod:`schema_lock.cdk_diff` finds what a diff replaces or removes;
on text that is not a diff it finds nothing, which would read as "safe". So the
gate first proves the text is whole, in the shape the CDK CLI prints:

    Stack staging-operations
    Resources
    [~] AWS::CloudWatch::Dashboard Dashboard/Dashboard Dashboard7A714131
    ...
    Stack staging-data-key
    There were no differences

    ✨  Number of stacks with differences: 1

Every expected stack has a ``Stack <name>`` section; each section either says
"There were no differences" or shows at least one change line (``[+]``,
``[-]``, ``[~]``...); and the closing count comes after the last section and
matches the sections that differ. Lines the CLI writes to stderr in between
(warnings, notices) are allowed, since CI captures both streams.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from dataclasses import dataclass

from schema_lock.cdk_diff import ANSI, STACK_HEADER

_NO_DIFFERENCES = re.compile(r"^There were no differences\b")
_CHANGE_LINE = re.compile(r"^\[[-+~←?]\] \S")
_CLOSING = re.compile(r"^✨\s+Number of stacks with differences: (?P<count>[0-9]+)\s*$")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
CAPTURE = "capture `cdk diff --all` (stdout and stderr) into the file"


class IncompleteDiffError(Exception):
    """The text is not a complete ``cdk diff``; one line saying what is missing."""


def decode_diff(data: bytes, *, source: str) -> str:
    """UTF-8 text of a captured diff (a UTF-8 BOM is allowed); anything else is refused."""
    if data.startswith(_UTF16_BOMS) or b"\x00" in data:
        raise IncompleteDiffError(
            f"{source} is UTF-16 (or holds NUL bytes), not UTF-8 text: {CAPTURE} from a UTF-8 "
            "shell, e.g. `cdk diff --all > diff.txt 2>&1` in bash"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise IncompleteDiffError(
            f"{source} is not UTF-8 text (byte 0x{data[error.start]:02x} at offset "
            f"{error.start}): {CAPTURE} as UTF-8"
        ) from None


@dataclass
class _Section:
    stack: str
    no_differences: bool = False
    changes: int = 0

    @property
    def differs(self) -> bool:
        return not self.no_differences


def _first_words(lines: list[str]) -> str:
    text = next((line.strip() for line in lines if line.strip()), "")
    return text if len(text) <= 80 else f"{text[:77]}..."


def check_complete(text: str, *, source: str) -> frozenset[str]:
    """The stacks ``text`` shows, once it is proven a whole diff; else
    :class:`IncompleteDiffError`. Whether they are the expected ones is
    :func:`check_coverage`'s question."""
    lines = [ANSI.sub("", line).rstrip() for line in text.splitlines()]
    if not any(lines):
        raise IncompleteDiffError(f"{source} is empty: {CAPTURE}")
    sections: list[_Section] = []
    closing: int | None = None
    closing_after_last = False
    for line in lines:
        if match := STACK_HEADER.match(line):
            sections.append(_Section(match["name"]))
            closing_after_last = False
            continue
        if match := _CLOSING.match(line):
            closing, closing_after_last = int(match["count"]), True
            continue
        if not sections or closing_after_last:
            continue
        section = sections[-1]
        if _NO_DIFFERENCES.match(line):
            section.no_differences = True
        elif _CHANGE_LINE.match(line):
            section.changes += 1
    if not sections:
        raise IncompleteDiffError(
            f"{source} has no `Stack <name>` section, so it is not `cdk diff` output (it begins "
            f"{_first_words(lines)!r}): fix what cdk printed, then {CAPTURE}"
        )
    if not closing_after_last or closing is None:
        raise IncompleteDiffError(
            f"{source} ends before cdk diff's closing `Number of stacks with differences` line "
            f"(the last section is {sections[-1].stack}): the diff was cut off or cdk failed; "
            f"{CAPTURE} again"
        )
    empty = [section.stack for section in sections if section.differs and not section.changes]
    if empty:
        raise IncompleteDiffError(
            f"{source} has a section for {empty[0]} with neither a change nor `There were no "
            f"differences`: the diff was cut off; {CAPTURE} again"
        )
    differing = sum(section.differs for section in sections)
    if differing != closing:
        raise IncompleteDiffError(
            f"{source} says {closing} stack(s) differ but shows {differing}: it is not the "
            f"output of one `cdk diff --all` run; {CAPTURE} again"
        )
    return frozenset(section.stack for section in sections)


def check_coverage(shown: frozenset[str], *, source: str, expected_stacks: Iterable[str]) -> None:
    """Raise :class:`IncompleteDiffError` unless every expected stack has a section."""
    missing = [stack for stack in expected_stacks if stack not in shown]
    if missing:
        raise IncompleteDiffError(
            f"{source} has no section for {', '.join(missing)}: diff every stack of the "
            "environment (`cdk diff --all`, without --quiet)"
        )

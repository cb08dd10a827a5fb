"""Write the consumers table and the access matrix into the access document (``make docs``).

The catalog is the one source of who may do what; the document shows it so a
reviewer sees a grant change in the pull request. Only the text between each
pair of markers is rewritten, and ``tests/test_docs_fresh.py`` fails when the
committed document differs from what this script would write.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from catalog.access import KMS_KEY, Consumer
from catalog.consumers import CONSUMERS

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "docs" / "access.md"
COMMAND = "make docs"


class StaleDocumentError(Exception):
    """The document cannot be regenerated as it stands; one line naming the fix."""


def begin_marker(block: str) -> str:
    return f"<!-- BEGIN {block}: generated from catalog/consumers.py by `{COMMAND}` -->"


def end_marker(block: str) -> str:
    return f"<!-- END {block} -->"


def _code(text: str) -> str:
    return f"`{text}`"


def _cell(text: str) -> str:
    """A table cell: a ``|`` inside the text would end the cell."""
    return text.replace("|", "\\|")


def consumers_table(consumers: Sequence[Consumer]) -> str:
    """Who each consumer is, and the principal its created role trusts by default."""
    lines = [
        "| consumer id | who | seeds | default trusted principal | why that principal |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {_code(c.id)} | {_cell(c.description)} | {_cell(c.seeds)} "
        f"| {_code(c.trusted_principal)} | {_cell(c.principal_reason)} |"
        for c in consumers
    ]
    return "\n".join(lines)


def _reasons(consumer: Consumer) -> dict[str, str]:
    reasons: dict[str, list[str]] = {}
    for grant in consumer.grants:
        reasons.setdefault(grant.resource, []).append(grant.reason)
    kms_reason = (
        "writes: encrypts what it writes, decrypts what it reads"
        if consumer.writes
        else "reads only: decrypts what it reads"
    )
    reasons[KMS_KEY] = [kms_reason]
    return {resource: "; ".join(dict.fromkeys(texts)) for resource, texts in reasons.items()}


def matrix_table(consumers: Sequence[Consumer]) -> str:
    """Every action each consumer holds, one row per table, index or the key."""
    lines = [
        "| consumer | table or index | actions | why |",
        "| --- | --- | --- | --- |",
    ]
    for consumer in consumers:
        reasons = _reasons(consumer)
        for resource, actions in consumer.matrix().items():
            name = resource if resource == KMS_KEY else _code(resource)
            granted = ", ".join(_code(action) for action in sorted(actions))
            lines.append(
                f"| {_code(consumer.id)} | {name} | {granted} | {_cell(reasons[resource])} |"
            )
    return "\n".join(lines)


BLOCKS: dict[str, Callable[[Sequence[Consumer]], str]] = {
    "consumers": consumers_table,
    "access-matrix": matrix_table,
}


def regenerated(text: str, *, consumers: Sequence[Consumer] = CONSUMERS) -> str:
    """``text`` with every generated block rewritten from ``consumers``; the rest untouched."""
    for block, render in BLOCKS.items():
        begin, end = begin_marker(block), end_marker(block)
        head, found_begin, rest = text.partition(begin)
        _, found_end, tail = rest.partition(end)
        if not found_begin or not found_end or begin in tail:
            raise StaleDocumentError(
                f"{_shown(DOCUMENT)} must hold the {block} block exactly once, between "
                f"{begin!r} and {end!r}: restore the two marker lines, then run {COMMAND}"
            )
        text = f"{head}{begin}\n{render(consumers)}\n{end}{tail}"
    return text


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when the committed document is stale",
    )
    args = parser.parse_args(argv)
    try:
        current = DOCUMENT.read_text(encoding="utf-8")
        fresh = regenerated(current)
    except FileNotFoundError:
        print(f"error: {_shown(DOCUMENT)} is missing: restore it from git", file=sys.stderr)
        return 1
    except StaleDocumentError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if fresh == current:
        print(f"{_shown(DOCUMENT)} is up to date")
        return 0
    if args.check:
        print(f"error: {_shown(DOCUMENT)} is stale: run {COMMAND} and commit it", file=sys.stderr)
        return 1
    DOCUMENT.write_text(fresh, encoding="utf-8")
    print(f"wrote {_shown(DOCUMENT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

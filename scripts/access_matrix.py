"""Write the consumers table and the access matrix into the access document (``make docs``).

The catalog is the one source of who may do what; the document shows it so a
reviewer sees a grant change in the pull request. Only the text between each
pair of markers is rewritten, and ``tests/unit/test_docs_fresh.py`` fails when the
committed document differs from what this script would write.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from catalog.access import KMS_KEY, KMS_KEY_VIA_S3, Consumer
from catalog.commands import COMMAND_ROLES
from catalog.consumers import CONSUMERS

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "docs" / "access.md"
COMMAND = "make docs"
SOURCES = {
    "consumers": "catalog/consumers.py",
    "commands": "catalog/commands.py",
    "access-matrix": "catalog/consumers.py",
}


class StaleDocumentError(Exception):
    """The document cannot be regenerated as it stands; one line naming the fix."""


def begin_marker(block: str) -> str:
    return f"<!-- BEGIN {block}: generated from {SOURCES[block]} by `{COMMAND}` -->"


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


STAGING = "with `bulk_load_bucket`"
ALWAYS = "always"


def _reasons(consumer: Consumer, *, staging: bool) -> dict[str, str]:
    """Why each row of ``consumer.matrix(staging=...)`` is there, by resource."""
    reasons: dict[str, list[str]] = {}
    for grant in consumer.table_grants(staging=staging):
        if grant.staging == staging:
            reasons.setdefault(grant.resource, []).append(grant.reason)
    for grant in consumer.account_grants_for(staging=staging):
        if grant.staging == staging:
            reasons.setdefault(grant.resource, []).append(grant.reason)
    for grant in consumer.bucket_grants_for(staging=staging):
        for resource in grant.resources:
            reasons.setdefault(resource, []).append(grant.reason)
    if not staging:
        reasons[KMS_KEY] = [
            "writes: encrypts what it writes, decrypts what it reads"
            if consumer.writes
            else "reads only: decrypts what it reads"
        ]
        if consumer.direct_kms_actions:
            reasons[KMS_KEY].append("DescribeKey directly: finds the key from its alias")
    reasons[KMS_KEY_VIA_S3] = ["the staging bucket's objects are encrypted with the key"]
    return {resource: "; ".join(dict.fromkeys(texts)) for resource, texts in reasons.items()}


def _rows(consumer: Consumer) -> list[tuple[str, frozenset[str], str, str]]:
    """(resource, actions, when, why): what it always holds, then what the staging
    bucket adds."""
    always = consumer.matrix(staging=False)
    with_bucket = consumer.matrix(staging=True)
    rows = []
    for staging, matrix in ((False, always), (True, with_bucket)):
        reasons = _reasons(consumer, staging=staging)
        for resource, actions in matrix.items():
            shown = actions - always.get(resource, frozenset()) if staging else actions
            if shown:
                when = STAGING if staging else ALWAYS
                rows.append((resource, shown, when, reasons[resource]))
    return rows


def _resource_name(resource: str) -> str:
    return resource if resource in (KMS_KEY, KMS_KEY_VIA_S3) else _code(resource)


def matrix_table(consumers: Sequence[Consumer]) -> str:
    """Every action each consumer holds, one row per table, index, bucket or the key, and
    per whether the environment's staging bucket brings it."""
    lines = [
        "| consumer | table, index or other resource | actions | when | why |",
        "| --- | --- | --- | --- | --- |",
    ]
    for consumer in consumers:
        for resource, actions, when, why in _rows(consumer):
            granted = ", ".join(_code(action) for action in sorted(actions))
            lines.append(
                f"| {_code(consumer.id)} | {_resource_name(resource)} | {granted} | {when} "
                f"| {_cell(why)} |"
            )
    return "\n".join(lines)


def commands_table(_consumers: Sequence[Consumer]) -> str:
    """The role each ``ddbctl`` command runs under against AWS."""
    lines = ["| command | run it as | what it calls |", "| --- | --- | --- |"]
    for entry in COMMAND_ROLES:
        roles = " or ".join(_code(role) for role in entry.roles) or "no AWS role: never calls AWS"
        lines.append(f"| {_cell(_code('ddbctl ' + entry.usage))} | {roles} | {_cell(entry.why)} |")
    return "\n".join(lines)


BLOCKS: dict[str, Callable[[Sequence[Consumer]], str]] = {
    "consumers": consumers_table,
    "commands": commands_table,
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

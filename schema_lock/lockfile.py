"""``table-locks/<env>.json``: stable, sorted, human-diffable JSON.

The lock is rewritten only by ``make lock``, after review, so its diff in a
pull request is the reviewer's record of every table identity change.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from schema_lock.identity import TableIdentity

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOCK_DIR = PROJECT_ROOT / "table-locks"
# What the lock directory was called before; a base branch from then still has it there.
PREVIOUS_LOCK_DIR_NAME = "schema-lock"
FORMAT_VERSION = 1
HEADER = (
    "Table identities of the synthesized templates. Written by `make lock` after review; "
    "checked by `python -m ddbctl check-changes` (run by `make test`). Do not edit by hand."
)


class LockError(Exception):
    """A missing or unreadable lock, already phrased as one line naming the fix."""


class LockUnreadableError(LockError):
    """The lock exists but its bytes cannot be read as text: nothing may overwrite it
    unseen, not even ``make lock``."""


def lock_path(lock_dir: Path, environment: str) -> Path:
    return lock_dir / f"{environment}.json"


def render_lock(environment: str, tables: Mapping[str, TableIdentity]) -> str:
    document = {
        "about": HEADER,
        "environment": environment,
        "format": FORMAT_VERSION,
        "tables": {resource_id: table.to_json() for resource_id, table in tables.items()},
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def write_lock(path: Path, environment: str, tables: Mapping[str, TableIdentity]) -> bool:
    """Write the lock; True if its content changed. The new lock replaces the old one
    whole (written beside it, then renamed), so an interrupted write leaves the old one."""
    data = render_lock(environment, tables).encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)
    return True


def parse_lock(text: str, *, source: str, environment: str) -> dict[str, TableIdentity]:
    """Parse lock text (from a file or ``git show``); errors name the fix."""
    fix = "regenerate it with `make lock` after review"
    try:
        document: Any = json.loads(text)
        if document.get("format") != FORMAT_VERSION:
            raise LockError(
                f"{source} has format {document.get('format')!r}, expected {FORMAT_VERSION}: {fix}"
            )
        if document.get("environment") != environment:
            raise LockError(
                f"{source} is the lock of {document.get('environment')!r}, not {environment!r}: "
                f"{fix}"
            )
        tables = {}
        for resource_id, raw in document["tables"].items():
            try:
                tables[resource_id] = TableIdentity.from_json(raw)
            except (ValueError, TypeError) as error:
                raise ValueError(f"{resource_id}: {error}") from None
        return tables
    except LockError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        detail = f"missing {error}" if isinstance(error, KeyError) else str(error)
        raise LockError(f"{source} is not a valid schema lock ({detail}): {fix}") from None


def read_lock(path: Path, environment: str) -> dict[str, TableIdentity]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LockError(
            f"{path} does not exist: create it with `make lock` and commit it"
        ) from None
    except UnicodeDecodeError as error:
        raise LockUnreadableError(
            f"{path} is not UTF-8 text (byte at offset {error.start}): restore it with "
            f"`git checkout -- {path}`, or delete it and run `make lock` after review"
        ) from None
    except OSError as error:
        raise LockUnreadableError(f"cannot read {path}: {error.strerror}") from None
    return parse_lock(text, source=str(path), environment=environment)

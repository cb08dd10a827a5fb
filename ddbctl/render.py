"""Turning DynamoDB values into JSON and into readable, aligned text.

Plain text rather than a boxed table: it never truncates a table name to fit
80 columns, and it stays greppable when piped.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

MAX_COLUMNS = 8
MAX_CELL = 40


def plain(value: Any) -> Any:
    """JSON-ready: Decimal -> int or float, sets -> sorted lists, bytes -> base64."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: plain(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [plain(inner) for inner in value]
    if isinstance(value, set | frozenset):
        return sorted(plain(inner) for inner in value)
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    return value


def to_json(value: Any) -> str:
    return json.dumps(plain(value), indent=2, ensure_ascii=False)


def cell(value: Any) -> str:
    value = plain(value)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def aligned(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell; the last column is never padded."""
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    lines = []
    for row in [headers, *rows]:
        cells = [str(value).ljust(width) for value, width in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def print_items(items: list[dict[str, Any]], *, first_columns: list[str], title: str) -> None:
    """Key attributes first, then the others alphabetically, up to ``MAX_COLUMNS``."""
    names = {name for item in items for name in item}
    ordered = list(dict.fromkeys(n for n in first_columns if n in names))
    ordered += sorted(names - set(ordered))
    shown, hidden = ordered[:MAX_COLUMNS], ordered[MAX_COLUMNS:]
    print(title)
    if items:
        rows = [[cell(item[name]) if name in item else "" for name in shown] for item in items]
        print(aligned(shown, rows))
    more = f"; {len(hidden)} more attribute(s) not shown: use --json" if hidden else ""
    print(f"{len(items)} item(s){more}")

"""Turning DynamoDB values into JSON and into readable, aligned text.

Plain text rather than a boxed table: it never truncates a table name to fit
80 columns, and it stays greppable when piped.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import Binary
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ddbctl import exact_json

MAX_COLUMNS = 8
MAX_CELL = 40


def plain(value: Any) -> Any:
    """JSON-ready: integral Decimal -> int (others stay Decimal, for ``exact_json``); sets ->
    sorted lists; binary -> base64. Never loses a digit: DynamoDB numbers hold 38."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    if isinstance(value, dict):
        return {key: plain(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [plain(inner) for inner in value]
    if isinstance(value, set | frozenset):
        return sorted((plain(inner) for inner in value), key=_sort_key)
    if isinstance(value, Binary):
        value = value.value
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    return value


def _sort_key(value: Any) -> tuple[int, Any]:
    """Numbers first, in numeric order, then strings (a DynamoDB set holds one kind)."""
    if isinstance(value, int | Decimal):
        return (0, Decimal(value))
    return (1, value)


def to_json(value: Any) -> str:
    return exact_json.dumps(plain(value), indent=2)


def cell(value: Any) -> str:
    """One line, at most ``MAX_CELL`` characters: control characters (a newline in a value)
    are escaped as JSON would, so a row never breaks across lines."""
    value = plain(value)
    if isinstance(value, str):
        text = value
        if any(ord(char) < 0x20 for char in text):
            text = json.dumps(text, ensure_ascii=False)[1:-1]
    else:
        text = exact_json.dumps(value)  # escapes control characters itself
    text = text.replace("\x7f", "\\u007f")  # DEL, which json leaves as it is
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def aligned(headers: Sequence[str] | None, rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell (no header line when ``headers`` is None),
    two spaces apart, by a borderless ``rich`` table; the last column is never padded."""
    if headers is None and not rows:
        return ""
    table = Table(box=None, show_header=headers is not None, header_style="", pad_edge=False)
    for header in headers if headers is not None else [""] * len(rows[0]):
        table.add_column(Text(str(header)), no_wrap=True)
    for row in rows:
        # Text, not str: a value like "[bold]" or ":smile:" is data, never markup.
        table.add_row(*(Text(str(value)) for value in row))
    # Wide enough that rich never wraps or crops a cell: a row stays one line.
    lines = [list(headers), *rows] if headers is not None else list(rows)
    width = sum(max(cell_len(str(row[i])) for row in lines) + 2 for i in range(len(lines[0])))
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False)
    console.print(table)
    return "\n".join(line.rstrip() for line in console.file.getvalue().splitlines())


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

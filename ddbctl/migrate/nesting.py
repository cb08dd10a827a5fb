"""Nesting depth without recursion.

A record can be nested far deeper than Python's recursion limit (about 1,000
frames): one JSON Lines line of 100,000 ``[`` is 100 KB. Anything that walks a
record recursively (``decimals``, the serializer, ``json.dumps``) must only
see records already known to be shallow, so the depth check here is
iterative and runs first.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from catalog.item_size import MAX_DEPTH
from ddbctl.exact_json import number_text
from ddbctl.migrate import problems as p
from ddbctl.migrate.problems import Problem

# The item is one level and profile_data (the record) the next: the record keeps the rest.
MAX_RECORD_LEVELS = MAX_DEPTH - 1


def too_deep(detail: str = "") -> Problem:
    return Problem(
        p.TOO_DEEP,
        f"record nests deeper than DynamoDB's {MAX_DEPTH} levels{detail}: flatten it",
    )


def levels_exceed(value: Any, limit: int) -> bool:
    """Whether ``value`` has more than ``limit`` levels of maps/lists (a scalar has 0)."""
    stack = [(value, 1)]
    while stack:
        current, level = stack.pop()
        if isinstance(current, dict):
            children = current.values()
        elif isinstance(current, list):
            children = current
        else:
            continue
        if level > limit:
            return True
        stack.extend((child, level + 1) for child in children)
    return False


def to_json(value: Any, *, default: Callable[[Any], Any] | None = None) -> str:
    """``json.dumps`` for any depth: containers are walked with an explicit stack, scalars
    are encoded by ``json``."""
    parts: list[str] = []
    stack: list[tuple[bool, Any]] = [(False, value)]  # (is literal text, value)
    while stack:
        literal, current = stack.pop()
        if literal:
            parts.append(current)
        elif isinstance(current, dict):
            pending: list[tuple[bool, Any]] = [(True, "{")]
            for number, (key, inner) in enumerate(current.items()):
                separator = ", " if number else ""
                pending.append((True, separator + json.dumps(str(key), ensure_ascii=False) + ": "))
                pending.append((False, inner))
            pending.append((True, "}"))
            stack.extend(reversed(pending))
        elif isinstance(current, list):
            pending = [(True, "[")]
            for number, inner in enumerate(current):
                if number:
                    pending.append((True, ", "))
                pending.append((False, inner))
            pending.append((True, "]"))
            stack.extend(reversed(pending))
        elif isinstance(current, Decimal):
            parts.append(number_text(current))  # exact, never through float
        else:
            parts.append(json.dumps(current, default=default, ensure_ascii=False))
    return "".join(parts)

"""JSON text in which a Decimal is written as the number it is, digit for digit.

DynamoDB numbers hold 38 significant digits, and the migration parses every
fraction straight to ``Decimal``. The ``json`` module can only write a Decimal
through ``float`` (rounding ``19.999999999999999999`` to ``20.0``) or as a
string (changing its type). So each Decimal is first written as a marked
string, and the marks are then replaced by the bare number. The mark starts
with a NUL, which ``json`` always escapes, plus a random token per process, so
no string from the data can be mistaken for one.
"""

from __future__ import annotations

import json
import re
import secrets
from decimal import Decimal
from typing import Any

_TOKEN = secrets.token_hex(8)
_MARK = f"\0{_TOKEN}:"
_MARKED = re.compile(r'"\\u0000' + _TOKEN + r':([-+.0-9Ee]+)"')


def number_text(value: Decimal) -> str:
    """The Decimal as a JSON number: ``49.99``, ``1E+2``, ``-0.000001``."""
    if not value.is_finite():
        raise ValueError(f"{value} has no JSON form (JSON has no NaN or Infinity)")
    return str(value)


def _marked(value: Any) -> str:
    if isinstance(value, Decimal):
        return _MARK + number_text(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(value: Any, *, ensure_ascii: bool = False, indent: int | None = None) -> str:
    """``json.dumps`` with every Decimal written exactly as a JSON number."""
    text = json.dumps(value, default=_marked, ensure_ascii=ensure_ascii, indent=indent)
    return _MARKED.sub(lambda match: match.group(1), text)

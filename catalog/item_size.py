"""DynamoDB's item-size accounting, in one place for every writer of items.

The sample data checks (run at synth and again in the seeder Lambda) and
``ddbctl migrate-profiles`` both refuse an item over 400 KB before DynamoDB
does, so both must count bytes the same way: the way DynamoDB documents it
("Item sizes and formats" in the DynamoDB developer guide).

- An item is the sum of its attribute names and values; names count their
  UTF-8 bytes, in maps too.
- A string is its UTF-8 bytes; binary its raw bytes; null and a boolean 1.
- A number is 1 byte per two significant digits, plus 1, with leading and
  trailing zeros trimmed. Its digits are counted exactly, to 38 of them, so
  never through ``Decimal.normalize()``, which rounds to 28.
- A list or map is 3 bytes plus 1 per element, plus its elements.
- Sets have no documented overhead; they are counted like lists, so the
  figure stays an upper bound.

Plain Python (no CDK, no boto3): the seeder Lambda bundles ``catalog``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

MAX_ITEM_BYTES = 400 * 1024  # DynamoDB's item limit, attribute names included
MAX_DEPTH = 32  # nesting levels DynamoDB accepts, the item itself being the first
MAX_NAME_BYTES = 65_535  # attribute and map-key names
_CONTAINER_BYTES = 3
_ELEMENT_BYTES = 1


class ItemSizeError(ValueError):
    """An item DynamoDB refuses whatever its size; the message says why."""


class TooDeepError(ItemSizeError):
    """Lists and maps nested deeper than DynamoDB's 32 levels."""


class BadNameError(ItemSizeError):
    """An attribute or map-key name of 0 bytes or over 65,535."""

    def __init__(self, size: int) -> None:
        super().__init__(
            f"a name of {size:,} bytes; DynamoDB names hold 1 to {MAX_NAME_BYTES:,} bytes"
        )
        self.size = size


def item_size(item: Mapping[str, Any]) -> int:
    """The item's size in bytes as DynamoDB counts it against the 400 KB limit.

    Raises :class:`TooDeepError`, :class:`BadNameError`, ``UnicodeEncodeError`` (a lone
    surrogate, which no UTF-8 encoder takes) or ``TypeError`` (a float or a non-DynamoDB
    value, which have no DynamoDB size)."""
    return sum(name_size(name) + value_size(value) for name, value in item.items())


def value_size(value: Any, *, depth: int = 1) -> int:
    """One attribute value's size; ``depth`` is its nesting level (an item's attributes
    are at level 1, inside the item)."""
    if isinstance(value, str):
        return len(value.encode("utf-8"))
    if isinstance(value, bool) or value is None:
        return 1
    if isinstance(value, int | Decimal):
        return number_size(value)
    if isinstance(value, bytes | bytearray):
        return len(value)
    if isinstance(value, Mapping):
        _check_depth(depth)
        return _CONTAINER_BYTES + sum(
            name_size(key) + value_size(inner, depth=depth + 1) + _ELEMENT_BYTES
            for key, inner in value.items()
        )
    if isinstance(value, list | tuple | set | frozenset):
        _check_depth(depth)
        return _CONTAINER_BYTES + sum(
            value_size(inner, depth=depth + 1) + _ELEMENT_BYTES for inner in value
        )
    raise TypeError(f"{type(value).__name__} has no DynamoDB size")


def number_size(number: int | Decimal) -> int:
    """1 byte per two significant digits, plus 1; zeros at either end do not count."""
    return (significant_digits(number) + 1) // 2 + 1


def significant_digits(number: int | Decimal) -> int:
    """Digits from the first to the last non-zero one (at least 1): DynamoDB holds 38."""
    digits = Decimal(number).as_tuple().digits
    return max(len(bytes(digits).strip(b"\0")), 1)


def name_size(name: str) -> int:
    size = len(name.encode("utf-8"))
    if not 0 < size <= MAX_NAME_BYTES:
        raise BadNameError(size)
    return size


def _check_depth(depth: int) -> None:
    if depth >= MAX_DEPTH:
        raise TooDeepError(f"nested deeper than DynamoDB's {MAX_DEPTH} levels")

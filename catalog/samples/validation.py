"""Checks that sample items fit their tables before anything is written.

DynamoDB only type-checks key and index attributes, and it reports a bad one
as an opaque ``ValidationException`` halfway through a deploy. Checking here,
in a test and again at seeding time, names the table, the item and the fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from catalog.model import AttributeType, TableSpec

MAX_ITEM_BYTES = 400 * 1024  # DynamoDB's item size limit.
_ACCEPTED = {
    AttributeType.STRING: (str,),
    AttributeType.NUMBER: (int, Decimal),
    AttributeType.BINARY: (bytes, bytearray),
}


class SampleDataError(ValueError):
    """Sample data that does not fit the catalog; the message lists every problem."""


def _size(value: Any) -> int:
    """An upper bound of DynamoDB's item-size accounting for one value."""
    if isinstance(value, str):
        return len(value.encode("utf-8"))
    if isinstance(value, bool) or value is None:
        return 1
    if isinstance(value, int | Decimal):
        return len(str(value)) + 1
    if isinstance(value, bytes | bytearray):
        return len(value)
    if isinstance(value, list | tuple | set | frozenset):
        return 3 + sum(1 + _size(v) for v in value)
    if isinstance(value, Mapping):
        return 3 + sum(1 + len(str(k).encode("utf-8")) + _size(v) for k, v in value.items())
    raise TypeError(type(value).__name__)


def item_size(item: Mapping[str, Any]) -> int:
    return sum(len(name.encode("utf-8")) + _size(value) for name, value in item.items())


def _floats(value: Any, path: str) -> Iterable[str]:
    if isinstance(value, float):
        yield path
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _floats(inner, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for position, inner in enumerate(value):
            yield from _floats(inner, f"{path}[{position}]")


def item_problems(spec: TableSpec, item: Mapping[str, Any]) -> list[str]:
    """Everything wrong with one item for ``spec``; empty when it fits."""
    problems = []
    required = [spec.partition_key] + ([spec.sort_key] if spec.sort_key else [])
    for attribute in required:
        if attribute.name not in item:
            problems.append(f"missing key attribute {attribute.name!r}")
    for attribute in spec.key_attributes():
        if attribute.name not in item:
            continue  # an index key may be absent: the item is then not in that index
        value = item[attribute.name]
        accepted = _ACCEPTED[attribute.type]
        if isinstance(value, bool) or not isinstance(value, accepted):
            names = " or ".join(t.__name__ for t in accepted)
            problems.append(
                f"{attribute.name!r} must be {attribute.type.value} ({names}), "
                f"got {type(value).__name__}"
            )
        elif isinstance(value, str | bytes | bytearray) and not value:
            problems.append(f"key attribute {attribute.name!r} is empty")
    for path in _floats(item, "item"):
        problems.append(f"{path} is a float: write it as Decimal('...') or int")
    if not problems:
        size = item_size(item)
        if size >= MAX_ITEM_BYTES:
            problems.append(f"item is {size} bytes; DynamoDB's limit is {MAX_ITEM_BYTES}")
    return problems


def _key(spec: TableSpec, item: Mapping[str, Any]) -> tuple:
    names = [spec.partition_key.name] + ([spec.sort_key.name] if spec.sort_key else [])
    return tuple(repr(item.get(name)) for name in names)


def validate_samples(
    samples: Mapping[str, Iterable[Mapping[str, Any]]], specs: Mapping[str, TableSpec]
) -> None:
    """Raise :class:`SampleDataError` naming every item that does not fit its table.

    ``specs`` maps each catalog key to its spec; a sample set for a table the
    catalog does not know is an error too.
    """
    problems = []
    for table_key, items in samples.items():
        spec = specs.get(table_key)
        if spec is None:
            problems.append(f"{table_key}: no such table in the catalog")
            continue
        seen: set[tuple] = set()
        for position, item in enumerate(items):
            label = f"{table_key}[{position}]"
            problems += [f"{label}: {problem}" for problem in item_problems(spec, item)]
            key = _key(spec, item)
            if key in seen:
                problems.append(f"{label}: duplicate primary key {key}")
            seen.add(key)
    if problems:
        raise SampleDataError(
            f"{len(problems)} sample data problem(s): "
            + "; ".join(problems)
            + " (fix catalog/samples/)"
        )

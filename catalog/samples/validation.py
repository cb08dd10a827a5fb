"""Checks that sample items fit their tables before anything is written.

DynamoDB only type-checks key and index attributes, and it reports a bad one
as an opaque ``ValidationException`` halfway through a deploy. Checking here,
in a test and again at seeding time, names the table, the item and the fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from catalog.item_size import MAX_ITEM_BYTES, ItemSizeError, item_size, significant_digits
from catalog.model import AttributeType, TableSpec

MAX_PARTITION_KEY_BYTES = 2048  # for the table's and every index's partition key
MAX_SORT_KEY_BYTES = 1024  # for the table's and every index's sort key
MAX_DIGITS = 38
MIN_MAGNITUDE, MAX_MAGNITUDE = Decimal("1e-130"), Decimal("1e126")
_ACCEPTED = {
    AttributeType.STRING: (str,),
    AttributeType.NUMBER: (int, Decimal),
    AttributeType.BINARY: (bytes, bytearray),
}


class SampleDataError(ValueError):
    """Sample data that does not fit the catalog; the message lists every problem."""


def _floats(value: Any, path: str) -> Iterable[str]:
    if isinstance(value, float):
        yield path
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _floats(inner, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for position, inner in enumerate(value):
            yield from _floats(inner, f"{path}[{position}]")


def _value_problems(value: Any, path: str) -> Iterable[str]:
    """What DynamoDB refuses anywhere in an item, found before a deploy does: numbers
    beyond its precision or range, empty sets, empty map keys."""
    if isinstance(value, bool):
        return
    if isinstance(value, int | Decimal):
        number = Decimal(value)
        if not number.is_finite():
            yield f"{path} is {number}: DynamoDB numbers are finite"
        elif number and not MIN_MAGNITUDE <= abs(number) < MAX_MAGNITUDE:
            yield f"{path} is {number}: DynamoDB numbers lie between 1e-130 and 1e126"
        elif significant_digits(number) > MAX_DIGITS:
            yield f"{path} has more than {MAX_DIGITS} significant digits: round it"
    elif isinstance(value, set | frozenset):
        if not value:
            yield f"{path} is an empty set: DynamoDB has no empty sets; leave it out"
        for member in sorted(value, key=repr):
            yield from _value_problems(member, f"{path}{{{member!r}}}")
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            if not key:
                yield f"{path} has an empty attribute name: name it"
            yield from _value_problems(inner, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for position, inner in enumerate(value):
            yield from _value_problems(inner, f"{path}[{position}]")


def _key_size_problems(spec: TableSpec, item: Mapping[str, Any]) -> Iterable[str]:
    keys = [(spec.partition_key, spec.sort_key)]
    keys += [(index.partition_key, index.sort_key) for index in spec.global_indexes]
    limits: dict[str, int] = {}
    for partition, sort in keys:
        limits[partition.name] = min(limits.get(partition.name, 1 << 30), MAX_PARTITION_KEY_BYTES)
        if sort is not None:
            limits[sort.name] = min(limits.get(sort.name, 1 << 30), MAX_SORT_KEY_BYTES)
    for name, limit in limits.items():
        value = item.get(name)
        size = len(value.encode("utf-8")) if isinstance(value, str) else None
        if isinstance(value, bytes | bytearray):
            size = len(value)
        if size is not None and size > limit:
            yield f"key attribute {name!r} is {size} bytes; DynamoDB allows {limit} there"


def item_problems(spec: TableSpec, item: Mapping[str, Any]) -> list[str]:
    """Everything wrong with one item for ``spec``; empty when it fits."""
    problems = list(_value_problems(dict(item), "item"))
    problems += _key_size_problems(spec, item)
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
        problems += _size_problems(item)
    return problems


def _size_problems(item: Mapping[str, Any]) -> list[str]:
    """The item against DynamoDB's 400 KB, counted as ``migrate-profiles`` counts it."""
    try:
        size = item_size(item)
    except ItemSizeError as error:
        return [f"item has {error}"]
    except UnicodeEncodeError:
        return ["item holds a lone UTF-16 surrogate, which is not valid Unicode: remove it"]
    except TypeError as error:
        return [f"item holds a value DynamoDB cannot store ({error})"]
    if size > MAX_ITEM_BYTES:
        return [f"item is {size} bytes; DynamoDB's limit is {MAX_ITEM_BYTES}"]
    return []


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

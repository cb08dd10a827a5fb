"""Run the catalog's named access patterns: ``name=value`` words in, items out.

Every request is built from the catalog, never typed by hand: the key
condition and sort direction come from the pattern, the value types from the
table's key attributes (``N`` -> Decimal), and every attribute name goes
through ``ExpressionAttributeNames`` because ``status`` and ``timestamp`` are
DynamoDB reserved words.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

import catalog
from catalog import AccessPattern, AttributeType, Operation, TableSpec
from ddbctl.errors import EXIT_USAGE, CliError

_serializer = TypeSerializer()


class _ExactDeserializer(TypeDeserializer):
    """boto3's, but a number becomes ``Decimal(text)`` without its 38-digit context:
    DynamoDB sends 38 significant digits spelled out with up to 126 zeros
    (``9...9E+88`` arrives as 126 digits), which that context rejects as Rounded."""

    def _deserialize_n(self, value: str) -> Decimal:
        return Decimal(value)


_deserializer = _ExactDeserializer()


def usage(pattern: AccessPattern) -> str:
    words = " ".join(f"{name}=..." for name in pattern.parameters) or "(no parameters)"
    fixed = ", ".join(f"{name}={value}" for name, value in pattern.fixed)
    return f"{pattern.name} {words}" + (f" [fixed: {fixed}]" if fixed else "")


def find_pattern(name: str | None) -> tuple[TableSpec, AccessPattern]:
    patterns = catalog.access_patterns()
    if name in patterns:
        return patterns[name]
    valid = ", ".join(sorted(patterns))
    what = f"unknown pattern {name!r}" if name else "no pattern given"
    raise CliError(f"{what}; valid patterns: {valid}", exit_code=EXIT_USAGE)


def parse_words(pattern: AccessPattern, words: Sequence[str]) -> dict[str, str]:
    """``name=value`` words -> raw strings; exactly the pattern's parameters, each once."""
    values: dict[str, str] = {}
    expected = ", ".join(pattern.parameters) or "none"
    for word in words:
        name, sep, value = word.partition("=")
        if not sep or not name:
            raise CliError(
                f"expected name=value, got {word!r}; usage: {usage(pattern)}",
                exit_code=EXIT_USAGE,
            )
        if name not in pattern.parameters:
            raise CliError(
                f"{pattern.name} takes no parameter {name!r} (parameters: {expected}); "
                f"usage: {usage(pattern)}",
                exit_code=EXIT_USAGE,
            )
        if name in values:
            raise CliError(f"{name} given twice; usage: {usage(pattern)}", exit_code=EXIT_USAGE)
        if not value:
            # DynamoDB rejects an empty key value; say so before it does, as a usage error.
            raise CliError(
                f"{name} is empty: key values cannot be empty; usage: {usage(pattern)}",
                exit_code=EXIT_USAGE,
            )
        values[name] = value
    missing = [name for name in pattern.parameters if name not in values]
    if missing:
        raise CliError(
            f"{pattern.name} needs {', '.join(missing)} (parameters: {expected}); "
            f"usage: {usage(pattern)}",
            exit_code=EXIT_USAGE,
        )
    return values


def typed_value(name: str, text: str, attribute_type: AttributeType) -> Any:
    if attribute_type is AttributeType.NUMBER:
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise CliError(f"{name} must be a number, got {text!r}", exit_code=EXIT_USAGE)
        return number
    if attribute_type is AttributeType.BINARY:
        try:
            return base64.b64decode(text, validate=True)
        except binascii.Error:
            raise CliError(f"{name} must be base64, got {text!r}", exit_code=EXIT_USAGE) from None
    return text


@dataclass(frozen=True)
class PreparedPattern:
    spec: TableSpec
    pattern: AccessPattern
    table_name: str
    key_values: dict[str, Any]

    def request(self) -> dict[str, Any]:
        """The boto3 low-level ``GetItem`` or ``Query`` kwargs."""
        if self.pattern.operation is Operation.GET:
            return {
                "TableName": self.table_name,
                "Key": {name: _serializer.serialize(v) for name, v in self.key_values.items()},
            }
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": self.pattern.key_condition,
            "ExpressionAttributeNames": {f"#{name}": name for name in self.pattern.attribute_names},
            "ExpressionAttributeValues": {
                f":{name}": _serializer.serialize(self.key_values[name])
                for name in self.pattern.value_names
            },
            "ScanIndexForward": self.pattern.scan_forward,
        }
        if self.pattern.index:
            request["IndexName"] = self.pattern.index
        return request


def prepare(
    pattern_name: str | None, words: Sequence[str], *, table_name_of: Any
) -> PreparedPattern:
    """Validate the words against the pattern and type each value from the catalog.

    ``table_name_of`` maps a spec to its physical name in the chosen environment.
    """
    spec, pattern = find_pattern(pattern_name)
    raw = {**dict(pattern.fixed), **parse_words(pattern, words)}
    types = {attribute.name: attribute.type for attribute in spec.key_attributes()}
    values = {name: typed_value(name, text, types[name]) for name, text in raw.items()}
    return PreparedPattern(
        spec=spec, pattern=pattern, table_name=table_name_of(spec), key_values=values
    )


def run(client: Any, prepared: PreparedPattern, *, limit: int | None = None) -> Iterator[dict]:
    """Items as plain Python values (Decimal for numbers); follows every page."""
    request = prepared.request()
    if prepared.pattern.operation is Operation.GET:
        item = client.get_item(**request).get("Item")
        if item:
            yield deserialize(item)
        return
    config = {"MaxItems": limit} if limit else {}
    pages = client.get_paginator("query").paginate(**request, PaginationConfig=config)
    for page in pages:
        for item in page["Items"]:
            yield deserialize(item)


def deserialize(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in item.items()}

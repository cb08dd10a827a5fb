"""A validated profile -> the ``agent-profiles`` item of seed 004's schema.

Seed 004's ``json_storage`` files are envelopes ``{"id", "timestamp", "data":
{name, address, job, averagePrice, tags, location, description}}``; flat
records (the fields beside ``id``) are accepted too. The item keeps ``id``,
``name``, ``address``, ``job``, ``averagePrice`` (a Number), ``tags``,
``location``, ``description`` and ``timestamp``, adds ``location_city`` for
the ``location-index``, and ``profile_data``: the whole record as read,
envelope included, so no field of the input is lost (an envelope may carry
more than ``id``, ``timestamp`` and ``data``).

Index keys (``job``, ``location_city``) are never written empty: DynamoDB
rejects an empty string in a GSI key, and a blank key is useless for queries.
The attribute is omitted instead; the value stays in ``profile_data``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import DYNAMODB_CONTEXT

STRING_FIELDS = ("name", "address", "job", "description")
INDEX_KEYS = ("job", "location_city")
# The DynamoDB type of every attribute an item can have; a table whose key (or an index's)
# declares one of these as another type refuses the items (table_schema).
WRITTEN_TYPES = {
    "id": "S",
    **{name: "S" for name in STRING_FIELDS},
    "location_city": "S",
    "timestamp": "S",
    "averagePrice": "N",
    "tags": "L",
    "location": "L",
    "profile_data": "M",
}
_to_dynamodb_decimal = DYNAMODB_CONTEXT.create_decimal
# A decimal literal in ASCII only: Decimal() and int() also take "1_000", Arabic-Indic
# and full-width digits, and "NaN", none of which is a number in a profile.
_DECIMAL_LITERAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_ASCII_WHITESPACE = " \t\r\n"


@dataclass(frozen=True, slots=True)
class Profile:
    """A record that passed validation: typed fields, ready to become an item."""

    id: str
    timestamp: str | None
    fields: dict[str, Any]  # only fields present with a non-null value
    original: Any


@dataclass(frozen=True, slots=True)
class Item:
    attributes: dict[str, Any]
    omitted_keys: tuple[str, ...]  # index keys left out because missing or blank


def location_city(location: Any) -> str | None:
    """The city for ``location-index``: the first element of ``location``.

    A string is taken as the city (``["Ann Arbor", "MI"]`` -> ``Ann Arbor``);
    an object gives its ``"city"``. Whitespace is trimmed. Anything else, or
    an empty result, gives None and the attribute is omitted.
    """
    if not isinstance(location, list) or not location:
        return None
    first = location[0]
    if isinstance(first, dict):
        first = first.get("city")
    if not isinstance(first, str):
        return None
    return first.strip() or None


def to_number(value: Any) -> Decimal:
    """A JSON number or a numeric string as a finite Decimal; ValueError otherwise.

    The one place a profile's number is parsed: a string counts only when it is an ASCII
    decimal literal (``"12.50"``, ``"-3e2"``), surrounding spaces aside."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("not a finite number")
        return Decimal(repr(value))  # the shortest text that round-trips, not the binary expansion
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        text = value.strip(_ASCII_WHITESPACE)
        if not _DECIMAL_LITERAL.fullmatch(text):
            raise ValueError("not an ASCII decimal number")
        value = Decimal(text)
    if isinstance(value, Decimal) and value.is_finite():
        return value
    raise ValueError("not a finite number")


def decimals(value: Any) -> Any:
    """Floats (from callers that did not parse with Decimal) become Decimal; DynamoDB
    numbers are decimal and boto3 refuses floats. Recursive: only for values already
    checked to be at most 32 levels deep (``nesting.levels_exceed``)."""
    if isinstance(value, float):
        return to_number(value)
    if isinstance(value, dict):
        return {key: decimals(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [decimals(inner) for inner in value]
    return value


def to_item(profile: Profile) -> Item:
    attributes: dict[str, Any] = {"id": profile.id}
    omitted = []
    for name in (*STRING_FIELDS, "averagePrice", "tags", "location"):
        if name in profile.fields:
            attributes[name] = profile.fields[name]
    if "job" in attributes and not attributes["job"].strip():
        del attributes["job"]
    if "job" not in attributes:
        omitted.append("job")
    city = location_city(profile.fields.get("location"))
    if city is None:
        omitted.append("location_city")
    else:
        attributes["location_city"] = city
    if profile.timestamp is not None:
        attributes["timestamp"] = profile.timestamp
    if "location" in attributes:
        attributes["location"] = decimals(attributes["location"])
    attributes["profile_data"] = decimals(profile.original)
    return Item(attributes, tuple(omitted))


def serialize(attributes: dict[str, Any]) -> dict[str, Any]:
    """DynamoDB JSON, once per item, for the JSON types a record can hold.

    Not boto3's ``TypeSerializer``, though the output and number rules are the same (a
    parity test checks it): tried, it cost 1.9x the CPU per record, and this is about 5x
    faster: it only dispatches over JSON's types, and it
    was the largest CPU cost per item. Raises ArithmeticError for numbers
    DynamoDB cannot hold (over 38 significant digits, or magnitude outside
    1e-130..1e126) and TypeError for non-JSON values.
    """
    return {name: _attribute(value) for name, value in attributes.items()}


def _attribute(value: Any) -> dict[str, Any]:
    kind = type(value)
    if kind is str:
        return {"S": value}
    if kind is dict:
        return {"M": {key: _attribute(inner) for key, inner in value.items()}}
    if kind is list:
        return {"L": [_attribute(inner) for inner in value]}
    if kind is bool:
        return {"BOOL": value}
    if kind is int or kind is Decimal:
        text = str(_to_dynamodb_decimal(value))
        if text in ("Infinity", "-Infinity", "NaN", "sNaN", "-NaN"):
            raise TypeError("Infinity and NaN are not DynamoDB numbers")
        return {"N": text}
    if value is None:
        return {"NULL": True}
    raise TypeError(f"{kind.__name__} is not a JSON value")

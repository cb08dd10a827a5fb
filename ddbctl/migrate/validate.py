"""Checks a record must pass before it is written, each failing with one clear reason.

Everything DynamoDB would refuse is caught here, because one bad item makes
BatchWriteItem reject all 25 of its batch: item size, key sizes, nesting
depth, number range, and a repeated key within a batch (duplicates).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from catalog.item_size import (
    MAX_ITEM_BYTES,
    MAX_NAME_BYTES,
    BadNameError,
    TooDeepError,
    item_size,
    value_size,
)
from ddbctl.migrate import problems as p
from ddbctl.migrate.nesting import MAX_RECORD_LEVELS, levels_exceed, too_deep
from ddbctl.migrate.problems import Rejected
from ddbctl.migrate.reader import FileList, describe_location
from ddbctl.migrate.transform import STRING_FIELDS, Item, Profile, serialize, to_item, to_number

MAX_KEY_BYTES = 2048  # partition key limit, for the table's and each GSI's key


def check_record(value: Any) -> Profile:
    """The record's fields with their expected types, or :class:`Rejected`."""
    if not isinstance(value, dict):
        raise Rejected(p.NOT_OBJECT, f"record is {_kind(value)}, expected a profile object")
    body = value  # where the profile fields are; the whole record is kept as profile_data
    if "data" in value:
        body = value["data"]
        if not isinstance(body, dict):
            raise Rejected(
                p.WRONG_TYPE, f"data must be an object holding the profile, got {_kind(body)}"
            )
    profile_id = value.get("id")
    if profile_id is None:
        raise Rejected(
            p.MISSING_ID, "id is missing: add a unique string id (it is the table's key)"
        )
    if not isinstance(profile_id, str):
        raise Rejected(
            p.WRONG_TYPE, f"id must be a string, got {_kind(profile_id)} {_show(profile_id)}"
        )
    if not profile_id.strip():
        raise Rejected(p.EMPTY_ID, "id is empty: every profile needs a non-empty string id")
    _check_key_size("id", profile_id)
    timestamp = value.get("timestamp")
    if timestamp is not None and not isinstance(timestamp, str):
        raise Rejected(p.WRONG_TYPE, f"timestamp must be a string, got {_kind(timestamp)}")
    fields: dict[str, Any] = {}
    for name in STRING_FIELDS:
        field = body.get(name)
        if field is None:
            continue
        if not isinstance(field, str):
            raise Rejected(p.WRONG_TYPE, f"{name} must be a string, got {_kind(field)}")
        fields[name] = field
    price = body.get("averagePrice")
    if price is not None:
        try:
            fields["averagePrice"] = to_number(price)
        except ValueError:
            raise Rejected(
                p.BAD_NUMBER, f"averagePrice must be a number, got {_kind(price)} {_show(price)}"
            ) from None
    tags = body.get("tags")
    if tags is not None:
        if not isinstance(tags, list):
            raise Rejected(p.WRONG_TYPE, f"tags must be a list of strings, got {_kind(tags)}")
        for position, tag in enumerate(tags):
            if not isinstance(tag, str):
                raise Rejected(p.WRONG_TYPE, f"tags[{position}] must be a string, got {_kind(tag)}")
        fields["tags"] = tags
    location = body.get("location")
    if location is not None:
        if not isinstance(location, list):
            raise Rejected(p.WRONG_TYPE, f"location must be a list, got {_kind(location)}")
        fields["location"] = location
    return Profile(id=profile_id, timestamp=timestamp, fields=fields, original=value)


def build_item(value: Any) -> tuple[Item, dict[str, Any]]:
    """Validate, transform and serialize one record: (item, DynamoDB JSON), or Rejected."""
    try:
        return _build_item(value)
    except UnicodeEncodeError as error:
        # JSON's "\ud800" escape parses to a lone UTF-16 surrogate: a Python str that no
        # UTF-8 encoder (DynamoDB's included) accepts.
        bad = error.object[error.start : error.end].encode("unicode_escape").decode("ascii")
        raise Rejected(
            p.BAD_STRING,
            f"a string in the record holds {bad}, a lone UTF-16 surrogate escape that is not "
            "valid Unicode: fix or remove that escape in the source",
        ) from None


def _build_item(value: Any) -> tuple[Item, dict[str, Any]]:
    if levels_exceed(value, MAX_RECORD_LEVELS):  # first: every later step recurses
        problem = too_deep()
        raise Rejected(problem.code, problem.message)
    profile = check_record(value)
    item = to_item(profile)
    for key in ("job", "location_city"):
        if key in item.attributes:
            _check_key_size(key, item.attributes[key])
    size = _item_size(item.attributes)
    if size > MAX_ITEM_BYTES:
        field, field_size = _largest_field(item.attributes["profile_data"])
        raise Rejected(
            p.OVERSIZE,
            f"item would be {size:,} bytes, over DynamoDB's 400 KB ({MAX_ITEM_BYTES:,} bytes; "
            f"profile_data repeats the record); its largest field is {field!r} "
            f"({field_size:,} bytes): shorten it",
        )
    try:
        return item, serialize(item.attributes)
    except ArithmeticError:
        raise Rejected(
            p.BAD_NUMBER,
            "a number in the record cannot be stored in DynamoDB (at most 38 significant "
            "digits, magnitude between 1e-130 and 1e126)",
        ) from None


def _item_size(attributes: dict[str, Any]) -> int:
    """``catalog.item_size``'s count (shared with the sample data checks), its refusals
    turned into the record's reject."""
    try:
        return item_size(attributes)
    except TooDeepError:
        problem = too_deep()
        raise Rejected(problem.code, problem.message) from None
    except BadNameError as error:
        raise Rejected(
            p.BAD_NAME,
            f"an object in the record has a key of {error.size:,} bytes; DynamoDB map keys "
            f"hold 1 to {MAX_NAME_BYTES:,} bytes: rename it",
        ) from None


class DuplicateIds:
    """Duplicate rule: the first valid record with an id, in read order (files by name, then
    position), is written; every later valid record with that id is rejected, naming both
    places. Invalid records claim no id. Memory is one dict entry per distinct id."""

    _POSITION_BITS = 40

    def __init__(self, files: FileList) -> None:
        self._files = files
        self._first: dict[str, int] = {}

    def claim(self, profile_id: str, *, file_index: int, position: int | None) -> None:
        code = (file_index << self._POSITION_BITS) | (0 if position is None else position + 1)
        first = self._first.setdefault(profile_id, code)
        if first != code:
            raise Rejected(
                p.DUPLICATE_ID,
                f"duplicate id {profile_id!r}: first seen at {self._describe(first)}, which "
                "was kept (first occurrence wins)",
            )

    def __len__(self) -> int:
        return len(self._first)

    def _describe(self, code: int) -> str:
        position = code & ((1 << self._POSITION_BITS) - 1)
        path = self._files[code >> self._POSITION_BITS]
        return describe_location(path, None if position == 0 else position - 1)


def _check_key_size(name: str, value: str) -> None:
    size = len(value.encode())
    if size > MAX_KEY_BYTES:
        raise Rejected(
            p.KEY_TOO_LONG,
            f"{name} is {size:,} bytes; DynamoDB keys (table and index) hold at most "
            f"{MAX_KEY_BYTES:,}: shorten it",
        )


def _largest_field(original: Any) -> tuple[str, int]:
    """The biggest field of the record, looking inside an envelope's ``data``."""
    if not isinstance(original, dict):
        return "profile_data", value_size(original)
    data = original.get("data")
    inside = isinstance(data, dict)
    fields = [(key, value) for key, value in original.items() if not (inside and key == "data")]
    fields += list(data.items()) if inside else []
    if not fields:
        return "profile_data", value_size(original)
    return max(((key, value_size(value)) for key, value in fields), key=lambda kv: kv[1])


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float | Decimal):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."

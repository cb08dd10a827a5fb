"""The seed 004 item shape: kept fields, location_city, Decimal numbers, no empty index keys."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from catalog.item_size import value_size
from ddbctl.migrate.problems import Rejected
from ddbctl.migrate.reader import parse_document
from ddbctl.migrate.transform import location_city, to_number
from ddbctl.migrate.validate import MAX_ITEM_BYTES, build_item
from tests.profiles import profile


def parsed(record) -> object:
    return parse_document(0, "x.json", None, json.dumps(record).encode()).value


def test_envelope_becomes_the_seed_004_item():
    record = parsed(profile(7))
    item, request = build_item(record)
    assert item.attributes == {
        "id": "agent-00007",
        "name": "Agent 7",
        "address": f"agent1q{7:040d}",
        "job": "Tutor",
        "averagePrice": Decimal("57.25"),
        "tags": ["python", "api"],
        "location": ["Detroit", "MI"],
        "location_city": "Detroit",
        "description": "Profile number 7",
        "timestamp": "2025-09-27T23:18:34",
        "profile_data": record,  # the whole record as read: nothing of the input is lost
    }
    assert item.omitted_keys == ()
    assert request["averagePrice"] == {"N": "57.25"}
    assert request["profile_data"]["M"]["data"]["M"]["averagePrice"] == {"N": "57.25"}


def test_extra_envelope_fields_survive_in_profile_data():
    record = parsed({**profile(3), "source": "crm-export", "owner": {"team": "matching"}})
    item, request = build_item(record)
    assert item.attributes["profile_data"]["source"] == "crm-export"
    assert item.attributes["profile_data"]["owner"] == {"team": "matching"}
    assert request["profile_data"]["M"]["owner"] == {"M": {"team": {"S": "matching"}}}
    assert "source" not in item.attributes  # only seed 004's fields become attributes


def test_oversize_reason_names_the_largest_field_inside_an_envelope():
    with pytest.raises(Rejected) as caught:
        build_item(profile(9, description="x" * 300_000))
    assert "its largest field is 'description'" in str(caught.value)


def test_flat_record_keeps_the_whole_record_as_profile_data():
    record = parsed({"id": "flat-1", "name": "Flat", "job": "Tutor", "extra": {"x": 1}})
    item, _ = build_item(record)
    assert item.attributes["profile_data"] == record
    assert "extra" not in item.attributes
    assert item.attributes["name"] == "Flat"


def test_numbers_are_parsed_as_decimal_without_passing_through_float():
    record = parse_document(0, "x.json", None, b'{"id": "n", "data": {"averagePrice": 0.1}}')
    assert record.value["data"]["averagePrice"] == Decimal("0.1")
    _item, request = build_item(record.value)
    assert request["averagePrice"] == {"N": "0.1"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (49.99, Decimal("49.99")),  # a float from a caller: its shortest text, not 49.98999...
        (50, Decimal(50)),
        (" 12.5 ", Decimal("12.5")),
        ("1e3", Decimal("1e3")),
        (Decimal("7.10"), Decimal("7.10")),
        ("-3.", Decimal("-3")),
        ("+.5E-2", Decimal("0.005")),
        ("\t42\n", Decimal(42)),  # ASCII whitespace around it is not part of the number
    ],
)
def test_average_price_numbers(value, expected):
    assert to_number(value) == expected


@pytest.mark.parametrize("value", ["cheap", "", "NaN", "Infinity", True, float("nan"), [1]])
def test_average_price_non_numbers(value):
    with pytest.raises(ValueError):  # noqa: PT011 - every failure is ValueError by design
        to_number(value)


@pytest.mark.parametrize(
    "text",
    [
        "1_000",  # Decimal() and int() take Python's digit separators
        "\u0661\u0660\u0660\u0660",  # Arabic-Indic 1000
        "\u06f1\u06f2",  # Extended Arabic-Indic (Persian) 12
        "\uff11\uff10",  # full-width 10
        "\u0967\u0968",  # Devanagari 12
        "1\u0660",  # ASCII and Arabic-Indic mixed
        "12\u00a0",  # a no-break space after it
        "sNaN",
        "-Infinity",
        "1e",
        ".",
        "0x10",
    ],
)
def test_only_an_ascii_decimal_literal_is_a_number(text):
    with pytest.raises(ValueError, match="not an ASCII decimal number"):
        to_number(text)


@pytest.mark.parametrize("text", ["1_000", "\u0661\u0660\u0660\u0660", "\uff11\uff10"])
def test_a_price_in_other_digits_is_a_bad_number_reject(text):
    with pytest.raises(Rejected) as caught:
        build_item(profile(9, averagePrice=text))
    assert caught.value.problem.code == "bad_number"
    assert f"averagePrice must be a number, got a string {text!r}" in str(caught.value)


def test_floats_inside_the_record_become_decimal():
    item, _request = build_item({"id": "f", "data": {"location": [{"city": "X", "lat": 42.28}]}})
    assert item.attributes["location"][0]["lat"] == Decimal("42.28")
    assert item.attributes["profile_data"]["data"]["location"][0]["lat"] == Decimal("42.28")


@pytest.mark.parametrize(
    ("location", "city"),
    [
        (["Ann Arbor", "MI"], "Ann Arbor"),
        (["  New York  "], "New York"),
        ([{"city": " Austin ", "state": "TX"}], "Austin"),
        ([], None),
        (["   ", "MI"], None),
        ([{"state": "TX"}], None),
        ([42], None),
        (None, None),
    ],
)
def test_location_city_rule(location, city):
    assert location_city(location) == city


@pytest.mark.parametrize(
    ("overrides", "omitted"),
    [
        ({"job": ""}, ("job",)),
        ({"job": "   "}, ("job",)),
        ({"job": None}, ("job",)),
        ({"location": []}, ("location_city",)),
        ({"location": [" "]}, ("location_city",)),
        ({"job": "", "location": None}, ("job", "location_city")),
    ],
)
def test_empty_index_keys_are_omitted_never_written_empty(overrides, omitted):
    record = profile(1, **overrides)
    item, request = build_item(record)
    assert item.omitted_keys == omitted
    for key in omitted:
        assert key not in item.attributes
        assert key not in request
    assert item.attributes["profile_data"] == record  # the original keeps the value


def test_missing_optional_fields_are_left_out_not_invented():
    item, _ = build_item({"id": "bare"})
    assert item.attributes == {"id": "bare", "profile_data": {"id": "bare"}}
    assert item.omitted_keys == ("job", "location_city")


def test_size_accounting_and_the_400_kb_boundary():
    assert value_size({"ab": "xyz"}) == 3 + 2 + 3 + 1
    assert value_size(Decimal("123.45")) == 4  # 5 digits -> 3 bytes + 1
    fits = "x" * ((MAX_ITEM_BYTES // 2) - 1_000)
    build_item({"id": "big", "description": fits})  # twice ~199 KB: fits
    with pytest.raises(Rejected) as caught:
        build_item({"id": "big", "description": fits + "x" * 2_000})
    assert caught.value.problem.code == "oversize"
    assert "its largest field is 'description'" in str(caught.value)


def test_nesting_deeper_than_dynamodb_allows_is_rejected():
    deep: dict = {}
    inner = deep
    for _ in range(40):
        inner["x"] = {}
        inner = inner["x"]
    with pytest.raises(Rejected) as caught:
        build_item({"id": "deep", "extra": deep})
    assert caught.value.problem.code == "too_deep"


def test_id_longer_than_a_key_is_rejected():
    with pytest.raises(Rejected) as caught:
        build_item({"id": "i" * 2049})
    assert caught.value.problem.code == "key_too_long"


def nested(levels: int) -> object:
    value: object = "leaf"
    for _ in range(levels):
        value = {"x": value}
    return value


def test_nesting_boundary_matches_dynamodb_local():
    # Checked against DynamoDB Local: the item, profile_data and 30 maps is the deepest it takes.
    build_item({"id": "deep", "extra": nested(30)})
    with pytest.raises(Rejected):
        build_item({"id": "deep", "extra": nested(31)})


def test_empty_map_key_is_rejected():
    # DynamoDB answers "Empty attribute name" and would fail the whole batch of 25.
    with pytest.raises(Rejected) as caught:
        build_item({"id": "k", "data": {"tags": [], "meta": {"": 1}}})
    assert caught.value.problem.code == "bad_name"


PARITY_VALUES = [
    "text",
    "",
    "ünïcødé ✓",
    0,
    -7,
    10**37,
    Decimal("49.99"),
    Decimal("-0"),
    Decimal("1E+125"),
    Decimal("1.000"),
    True,
    False,
    None,
    [],
    {},
    ["a", 1, Decimal("2.5"), None, [True], {"k": "v"}],
    {"nested": {"deeper": [{"x": Decimal("1e-5")}]}, "n": 3},
]


@pytest.mark.parametrize("value", PARITY_VALUES, ids=repr)
def test_serializer_matches_boto3_type_serializer(value):
    from boto3.dynamodb.types import TypeSerializer

    from ddbctl.migrate.transform import serialize

    assert serialize({"a": value}) == {"a": TypeSerializer().serialize(value)}


@pytest.mark.parametrize("value", [10**40, Decimal("1E+400"), Decimal("1E-200")], ids=repr)
def test_serializer_refuses_numbers_dynamodb_cannot_hold_like_boto3(value):
    from boto3.dynamodb.types import TypeSerializer

    from ddbctl.migrate.transform import serialize

    with pytest.raises(ArithmeticError):
        TypeSerializer().serialize(value)
    with pytest.raises(ArithmeticError):
        serialize({"a": value})


def test_number_size_counts_all_38_digits_not_the_contexts_28():
    from decimal import Decimal

    assert value_size(Decimal("1." + "1" * 37)) == 20  # 38 digits: 19 bytes + 1
    assert value_size(Decimal("1200")) == value_size(Decimal("12")) == 2  # zeros trimmed


@pytest.mark.parametrize("digits", ["\u0661\u0662", "\uff11\uff12", "1_2"])
def test_a_json_number_in_other_digits_is_malformed_json(digits):
    """The JSON parser is the other way a number gets in: it takes ASCII digits only."""
    text = '{"id": "x", "data": {"averagePrice": ' + digits + "}}"
    record = parse_document(0, "x.json", None, text.encode())
    assert record.value is None
    assert record.problem.code == "malformed_json"

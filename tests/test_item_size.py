"""One item-size calculator, DynamoDB's documented rules, for the sample data checks and
``migrate-profiles`` alike (issue 15)."""

from __future__ import annotations

from decimal import Decimal

import pytest

import catalog
import catalog.samples.validation as sample_validation
import ddbctl.migrate.validate as migrate_validate
from catalog import item_size as sizes
from catalog.item_size import (
    MAX_ITEM_BYTES,
    BadNameError,
    TooDeepError,
    item_size,
    number_size,
    value_size,
)
from catalog.samples import item_problems
from ddbctl.migrate.problems import Rejected
from ddbctl.migrate.transform import to_item
from ddbctl.migrate.validate import build_item, check_record


@pytest.mark.parametrize(
    ("value", "size"),
    [
        ("", 0),
        ("abc", 3),
        ("caf\u00e9", 5),  # UTF-8 bytes, not characters
        ("\U0001f600", 4),
        (b"\x00\x01\x02", 3),
        (True, 1),
        (None, 1),
        ([], 3),
        ({}, 3),
        (["a", "bc"], 3 + (1 + 1) + (2 + 1)),
        ({"k": "v"}, 3 + 1 + 1 + 1),
        ({"\u00e9": 1}, 3 + 2 + 2 + 1),  # map-key names count UTF-8 bytes too
        ({"a": [{"b": None}]}, 3 + (1 + (3 + (3 + 1 + 1 + 1) + 1) + 1)),
        ({"x", "y"}, 3 + 2 + 2),
    ],
    ids=repr,
)
def test_value_sizes_follow_dynamodbs_rules(value, size):
    assert value_size(value) == size


@pytest.mark.parametrize(
    ("number", "size"),
    [
        (0, 2),
        (7, 2),
        (12, 2),
        (123, 3),
        (-123, 3),
        (Decimal("1200"), 2),  # trailing zeros trimmed
        (Decimal("0.0012"), 2),  # leading zeros trimmed
        (Decimal("1.05"), 3),  # a zero between digits is significant
        (10**37, 2),
        (Decimal("1." + "1" * 37), 20),  # 38 digits, all counted: Decimal's context has 28
        (int("9" * 38), 20),
    ],
    ids=repr,
)
def test_a_number_is_one_byte_per_two_significant_digits_plus_one(number, size):
    assert number_size(number) == size == value_size(number)


def test_an_item_is_its_names_plus_its_values_with_no_overhead_of_its_own():
    assert item_size({"id": "a", "n": Decimal("12.5"), "tags": ["x"]}) == (
        (2 + 1) + (1 + 3) + (4 + 3 + 1 + 1)
    )


def test_nesting_deeper_than_32_levels_is_refused():
    value: object = "leaf"
    for _ in range(31):  # with the item itself: 32 levels, DynamoDB's most
        value = {"x": value}
    assert item_size({"a": value}) > 0
    with pytest.raises(TooDeepError):
        item_size({"a": {"x": value}})


@pytest.mark.parametrize("name", ["", "n" * 65_536])
def test_a_name_dynamodb_cannot_hold_is_refused(name):
    with pytest.raises(BadNameError) as caught:
        item_size({"m": {name: 1}})
    assert caught.value.size == len(name)


def test_a_float_has_no_dynamodb_size():
    with pytest.raises(TypeError, match="float has no DynamoDB size"):
        value_size(0.5)


def test_both_callers_count_with_the_one_calculator():
    assert sample_validation.item_size is sizes.item_size
    assert migrate_validate.item_size is sizes.item_size
    assert migrate_validate.MAX_ITEM_BYTES == sample_validation.MAX_ITEM_BYTES == MAX_ITEM_BYTES


SPEC = catalog.table("agent-profiles")


def test_a_sample_item_of_exactly_400_kb_fits_and_one_byte_more_does_not():
    base = {"id": "x", "blob": ""}
    filler = MAX_ITEM_BYTES - item_size(base)
    assert item_problems(SPEC, {**base, "blob": "b" * filler}) == []
    assert item_problems(SPEC, {**base, "blob": "b" * (filler + 1)}) == [
        f"item is {MAX_ITEM_BYTES + 1} bytes; DynamoDB's limit is {MAX_ITEM_BYTES}"
    ]


def test_a_sample_items_numbers_are_counted_by_digits_not_by_their_text():
    """The old sample rule counted len(str(n)) + 1: 1e125 as "1E+125", 7 bytes, not 2."""
    base = {"id": "x", "n": Decimal("1E+125"), "blob": ""}
    filler = MAX_ITEM_BYTES - item_size(base)
    assert item_size({"n": Decimal("1E+125")}) == 1 + 2
    assert item_problems(SPEC, {**base, "blob": "b" * filler}) == []


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("deep", "item has nested deeper than DynamoDB's 32 levels"),
        ("surrogate", "item holds a lone UTF-16 surrogate, which is not valid Unicode"),
        ("long name", "item has a name of 65,536 bytes; DynamoDB names hold 1 to 65,535"),
    ],
)
def test_a_sample_item_the_calculator_refuses_is_a_problem_not_a_crash(value, problem):
    """The seeder Lambda checks the items it is sent: a refusal must be reported."""
    nested: object = "leaf"
    for _ in range(40):
        nested = {"x": nested}
    change = {
        "deep": {"meta": nested},
        "surrogate": {"name": "a\ud800b"},
        "long name": {"meta": {"n" * 65_536: 1}},
    }[value]
    problems = item_problems(SPEC, {"id": "x", **change})
    assert any(problem in text for text in problems), problems


def test_migrate_profiles_refuses_the_same_items_by_the_same_count():
    empty, _ = build_item({"id": "x", "data": {"description": ""}})
    room = MAX_ITEM_BYTES - item_size(empty.attributes)
    # The description is in the item twice (as an attribute and inside profile_data).
    fits = {"id": "x", "data": {"description": "d" * (room // 2)}}
    assert item_size(build_item(fits)[0].attributes) <= MAX_ITEM_BYTES
    over = {"id": "x", "data": {"description": "d" * (room // 2 + 1)}}
    expected = item_size(to_item(check_record(over)).attributes)
    assert expected > MAX_ITEM_BYTES
    with pytest.raises(Rejected) as caught:
        build_item(over)
    assert f"item would be {expected:,} bytes" in str(caught.value)

"""Values from DynamoDB printed for people and for machines: nothing lost, no traceback,
one row per line."""

from __future__ import annotations

import json
from decimal import Decimal

from boto3.dynamodb.types import Binary

import catalog
from ddbctl.cli import main
from ddbctl.render import aligned, cell, plain, to_json


def test_binary_values_and_sets_become_base64():
    item = {"avatar": Binary(b"\x00\xffpng"), "thumbs": {Binary(b"b"), Binary(b"a")}}
    assert plain(item) == {"avatar": "AP9wbmc=", "thumbs": ["YQ==", "Yg=="]}
    assert json.loads(to_json(item))["avatar"] == "AP9wbmc="
    assert cell(item["avatar"]) == "AP9wbmc="


def test_numbers_keep_every_digit():
    big, rate = Decimal("12345678901234567890.5"), Decimal("0.1234567890123456789012345")
    # A float would print 1.2345678901234567e+19 and 0.12345678901234568.
    assert json.loads(to_json({"big": big, "rate": rate}), parse_float=Decimal) == {
        "big": big,
        "rate": rate,
    }
    assert '"big": 12345678901234567890.5' in to_json({"big": big})  # a number, not a string
    assert plain(Decimal("12345678901234567890123")) == 12345678901234567890123
    assert cell(big) == "12345678901234567890.5"
    assert cell([rate]) == "[0.1234567890123456789012345]"


def test_a_number_set_sorts_numerically():
    members = {Decimal("10"), Decimal("2.5"), Decimal("0.1234567890123456789012345")}
    assert to_json(members) == "[\n  0.1234567890123456789012345,\n  2.5,\n  10\n]"


def test_a_newline_in_a_value_does_not_break_the_row():
    assert cell("line one\nline two\ttab") == "line one\\nline two\\ttab"
    assert "\n" not in cell({"note": "a\nb"})


def test_columns_fit_the_longest_cell_with_or_without_headers():
    rows = [["staging-ai-trade-matching-processing-status", "x"], ["short", "y"]]
    lines = aligned(None, rows).splitlines()
    assert lines == ["staging-ai-trade-matching-processing-status  x", "short" + " " * 40 + "y"]
    assert aligned(["name", "v"], rows).splitlines()[0].startswith("name" + " " * 41 + "v")
    assert aligned(None, []) == ""


def test_tables_lines_up_the_longest_staging_name(capsys):
    assert main(["tables", "--env", "staging"]) == 0
    lines = capsys.readouterr().out.splitlines()
    starts = {line.index("indexes:") for line in lines}
    assert len(lines) == len(catalog.TABLES)
    assert len(starts) == 1  # one column, however long the name


def test_del_is_escaped_once_in_strings_and_in_structures():
    assert cell("a\x7fb") == "a\\u007fb"
    assert cell({"a": "x\x7fy"}) == '{"a": "x\\u007fy"}'  # not the whole JSON escaped again


def test_query_reads_a_number_dynamodb_spells_out_in_126_digits():
    from ddbctl.access import deserialize

    wide = "99999999999999999999999999999999999999" + "0" * 88  # 38 digits, then E+88
    item = deserialize({"n": {"N": wide}, "ns": {"NS": [wide, "1"]}})
    assert item["n"] == Decimal("99999999999999999999999999999999999999E+88")
    assert to_json(item["n"]) == wide  # every digit, as DynamoDB sent it
    assert item["ns"] == {Decimal(wide), Decimal(1)}

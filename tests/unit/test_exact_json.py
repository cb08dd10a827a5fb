"""Decimals written as the numbers they are: the rejects file and `query --json` never
round a number through float."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from ddbctl import exact_json
from tests.profiles import read_rejects
from tests.unit.test_migrate_inputs import migrate


@pytest.mark.parametrize(
    "text", ["19.999999999999999999", "0.1234567890123456789012345", "1E+2", "-0.000001", "0"]
)
def test_a_decimal_reads_back_exactly(text):
    written = exact_json.dumps({"n": Decimal(text), "list": [Decimal(text)]})
    assert json.loads(written, parse_float=Decimal) == {
        "n": Decimal(text),
        "list": [Decimal(text)],
    }
    assert '"n": "' not in written  # a number, not a string


def test_strings_that_look_like_marks_are_left_alone():
    sneaky = "\0deadbeef:12"
    assert json.loads(exact_json.dumps({"s": sneaky})) == {"s": sneaky}


def test_non_finite_decimals_have_no_json_form():
    with pytest.raises(ValueError, match="no NaN or Infinity"):
        exact_json.dumps(Decimal("NaN"))


def test_the_rejects_file_keeps_every_digit_of_a_rejected_record(tmp_path):
    source = tmp_path / "p.jsonl"
    source.write_text('{"data": {"averagePrice": 19.999999999999999999, "rate": 1E+2}}\n')
    rejects = tmp_path / "r.jsonl"
    assert migrate(source, rejects) == 1
    assert '"averagePrice": 19.999999999999999999' in rejects.read_text()
    [entry] = read_rejects(rejects)
    assert entry["code"] == "missing_id"

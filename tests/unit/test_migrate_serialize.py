"""What ``serialize`` writes, pinned literally, besides the parity test against boto3's
``TypeSerializer``: a change both make alike would still be caught here."""

from decimal import Decimal

import pytest

from ddbctl.migrate.transform import serialize


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1." + "1" * 37), {"N": "1." + "1" * 37}),  # all 38 digits kept
        (10**37, {"N": "1" + "0" * 37}),
        (Decimal("1.000"), {"N": "1.000"}),
        (Decimal("-0"), {"N": "-0"}),
        ("ünïcødé ✓", {"S": "ünïcødé ✓"}),
        (None, {"NULL": True}),
        (True, {"BOOL": True}),
        (
            ["a", Decimal("2.5"), {"k": []}],
            {"L": [{"S": "a"}, {"N": "2.5"}, {"M": {"k": {"L": []}}}]},
        ),
    ],
    ids=repr,
)
def test_dynamodb_json_of_each_json_type(value, expected):
    assert serialize({"a": value}) == {"a": expected}


@pytest.mark.parametrize("value", [Decimal("1." + "1" * 38), Decimal("1E+127")], ids=repr)
def test_a_number_dynamodb_cannot_hold_is_refused(value):
    with pytest.raises(ArithmeticError):
        serialize({"a": value})


@pytest.mark.parametrize("value", [1.5, Decimal("NaN"), Decimal("Infinity")], ids=repr)
def test_a_float_or_nan_is_refused(value):
    with pytest.raises(TypeError):
        serialize({"a": value})

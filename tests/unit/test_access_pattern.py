"""An access pattern's parameters come from its key condition, stated once."""

import pytest

from catalog import AccessPattern, AttributeType, GlobalIndex, KeyAttribute, Operation


def pattern(key_condition: str, **kwargs) -> AccessPattern:
    return AccessPattern(
        name="p",
        description="test",
        operation=Operation.QUERY,
        key_condition=key_condition,
        **kwargs,
    )


def test_parameters_are_the_value_placeholders_in_order():
    p = pattern("#a = :a AND #b BETWEEN :low AND :high")
    assert p.attribute_names == ("a", "b")
    assert p.value_names == ("a", "low", "high")
    assert p.parameters == ("a", "low", "high")


def test_a_fixed_value_is_not_a_parameter():
    p = pattern("#priority = :priority AND #arr >= :arr", fixed=(("priority", "High"),))
    assert p.parameters == ("arr",)


def test_a_placeholder_used_twice_is_one_parameter():
    assert pattern("#a = :a AND #b >= :a").parameters == ("a",)


def test_fixing_a_value_the_condition_does_not_use_is_refused():
    with pytest.raises(ValueError, match="fixes status, which its key condition"):
        pattern("#a = :a", fixed=(("status", "pending"),))


def test_equality_derives_the_condition_from_the_table_key_or_the_index():
    key = KeyAttribute("id", AttributeType.STRING)
    by_id = AccessPattern.equality(on=key, name="by-id", description="t", operation=Operation.GET)
    assert (by_id.key_condition, by_id.index, by_id.parameters) == ("#id = :id", None, ("id",))
    index = GlobalIndex("status-index", KeyAttribute("status", AttributeType.STRING))
    pending = AccessPattern.equality(
        on=index, name="pending", description="t", fixed_value="pending", scan_forward=False
    )
    assert pending.key_condition == "#status = :status"
    assert (pending.index, pending.operation) == ("status-index", Operation.QUERY)
    assert pending.fixed == (("status", "pending"),) and pending.parameters == ()
    assert not pending.scan_forward

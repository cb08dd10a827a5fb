"""Records nested deeper than DynamoDB's 32 levels (or than Python's recursion limit) are
rejects with a clear reason, never a traceback; the run goes on and the summary balances."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from ddbctl.migrate.nesting import levels_exceed, to_json
from tests.profiles import profile, read_rejects, write_files
from tests.unit.test_migrate_inputs import migrate

REASON = "record nests deeper than DynamoDB's 32 levels"


def deep_lists(levels: int) -> str:
    return "[" * levels + "]" * levels


def deep_maps(levels: int) -> str:
    return '{"x": ' * levels + "1" + "}" * levels


def the_one_reject_among_three(source, rejects, capsys) -> dict:
    """Dry-run ``source`` (two good records around one bad); the bad one's reject entry."""
    assert migrate(source, rejects) == 1
    out = capsys.readouterr().out
    assert "read 3 = valid (dry run, nothing written) 2 + rejected 1 + not written 0" in out
    [entry] = read_rejects(rejects)
    return entry


def test_jsonl_line_nested_100000_deep_is_a_reject(tmp_path, capsys):
    line = '{"id": "deep", "data": ' + deep_lists(100_000) + "}"
    source = tmp_path / "profiles.jsonl"
    source.write_text(f"{json.dumps(profile(1))}\n{line}\n{json.dumps(profile(2))}\n")
    entry = the_one_reject_among_three(source, tmp_path / "r.jsonl", capsys)
    assert (entry["code"], entry["location"]) == ("too_deep", f"{source} line 2")
    assert entry["reason"].startswith(REASON + " (too deep even to parse)")
    assert entry["raw_text"] == line + "\n"  # the record itself, as text


def test_single_json_file_nested_100000_deep_is_a_reject(tmp_path, capsys):
    source = write_files(
        tmp_path / "in", {"a.json": profile(1), "b.json": deep_maps(100_000).encode()}
    )
    assert migrate(source, tmp_path / "r.jsonl") == 1
    out = capsys.readouterr().out
    assert "read 2 = valid (dry run, nothing written) 1 + rejected 1 + not written 0" in out
    [entry] = read_rejects(tmp_path / "r.jsonl")
    assert entry["code"] == "too_deep"


@pytest.mark.parametrize("levels", [5_000, 100_000])
def test_array_element_nested_far_too_deep_is_a_reject_and_later_elements_are_read(
    levels, tmp_path, capsys
):
    text = f"[{json.dumps(profile(1))}, {deep_lists(levels)}, {json.dumps(profile(2))}]"
    source = write_files(tmp_path / "in", {"all.json": text.encode()})
    entry = the_one_reject_among_three(source, tmp_path / "r.jsonl", capsys)
    assert (entry["code"], entry["location"]) == ("too_deep", f"{source}/all.json element 1")
    assert entry["reason"].startswith(REASON)
    assert entry["raw_text"] == deep_lists(levels)  # rebuilt without recursion


def test_record_over_32_levels_keeps_its_text_in_the_rejects_file(tmp_path):
    record = {"id": "deep", "data": json.loads(deep_maps(40)), "price": Decimal("1.5")}
    source = tmp_path / "one.jsonl"
    source.write_text(to_json(record, default=float) + "\n")
    assert migrate(source, tmp_path / "r.jsonl") == 1
    [entry] = read_rejects(tmp_path / "r.jsonl")
    assert entry["code"] == "too_deep"
    assert "record" not in entry  # a line that deep would be too deep for jq or --resume
    assert json.loads(entry["raw_text"], parse_float=Decimal) == record


def test_levels_and_iterative_json_agree_with_the_recursive_versions():
    value = {"a": [1, "two", None, True, {"b": []}], "c": {}, "d": "é\n"}
    assert not levels_exceed(value, 4)  # map, list, map, list
    assert levels_exceed(value, 3)
    assert not levels_exceed("scalar", 0)
    assert json.loads(to_json(value)) == value
    assert to_json(value) == json.dumps(value, ensure_ascii=False)

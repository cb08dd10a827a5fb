"""A JSON array file is split into elements that are each parsed like a file of their own:
one bad element is one reject, and the elements after it are still read."""

from __future__ import annotations

import io
import json
import random

import pytest

from ddbctl.migrate import array_elements
from ddbctl.migrate.array_elements import split_array
from tests.profiles import profile, read_rejects, write_files
from tests.unit.test_migrate_inputs import migrate

TRICKY = ["a,b", "x]y", "}{", 'quote " inside', "back\\slash\\", '\\"', "ünï", "\u2028", ""]


def _value(rng: random.Random, depth: int = 0) -> object:
    choice = rng.randrange(7 if depth < 4 else 4)
    if choice == 0:
        return rng.choice(TRICKY)
    if choice == 1:
        return rng.randrange(-(10**6), 10**6)
    if choice == 2:
        return rng.choice([True, False, None])
    if choice == 3:
        return rng.random()
    if choice in (4, 5):
        return {rng.choice(TRICKY): _value(rng, depth + 1) for _ in range(rng.randrange(4))}
    return [_value(rng, depth + 1) for _ in range(rng.randrange(4))]


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 16])
def test_split_elements_parse_back_to_the_array_at_any_chunk_boundary(chunk, monkeypatch):
    monkeypatch.setattr(array_elements, "CHUNK_BYTES", chunk)
    rng = random.Random(chunk)
    for _ in range(40):
        values = [_value(rng) for _ in range(rng.randrange(6))]
        text = json.dumps(values, indent=rng.choice([None, 1]), ensure_ascii=rng.random() < 0.5)
        pieces = list(split_array(io.BytesIO(text.encode()), max_element=1 << 20))
        assert all(piece.broken is None and not piece.oversize for piece in pieces)
        assert [json.loads(piece.data) for piece in pieces] == values


@pytest.mark.parametrize(
    ("text", "why", "tail"),
    [
        (b'[1, {"id": "a"', "not closed", b'{"id": "a"'),
        (b"[1, ]", "a comma before the array's closing ]", b"]"),
        (b"[1] [2]", "text after the array's closing ]", b"[2]"),
        (b'[1, "open string]', "not closed", b'"open string]'),
    ],
)
def test_an_array_that_cannot_be_split_further_keeps_the_unread_rest(text, why, tail):
    *elements, broken = split_array(io.BytesIO(text), max_element=100)
    assert [piece.data for piece in elements] == [b"1"]
    assert why in broken.broken
    assert broken.data == tail


def test_an_oversize_element_is_measured_not_kept(monkeypatch):
    monkeypatch.setattr(array_elements, "CHUNK_BYTES", 4)
    big = json.dumps({"id": "big", "blob": "x" * 500})
    pieces = list(split_array(io.BytesIO(f'[1, {big}, "after"]'.encode()), max_element=100))
    assert [piece.oversize for piece in pieces] == [0, len(big), 0]
    assert pieces[1].data == b""
    assert json.loads(pieces[2].data) == "after"


def test_each_bad_element_is_its_own_reject_and_later_elements_are_read(tmp_path, capsys):
    good = [json.dumps(profile(n)) for n in range(4)]
    text = (
        f'[{good[0]}, {{"id": "agent-x", "data": {{"name": }}}}, {good[1]}, '
        f'{{"id": "agent-y", "data": {{"name": "caf\xe9"}}}}, {good[2]}, '
        f'{{"id": "agent-z", "data": {{"name": "a\\ud800b"}}}}, {good[3]}]'
    ).encode("latin-1")
    source = write_files(tmp_path / "in", {"all.json": text})
    rejects = tmp_path / "r.jsonl"
    assert migrate(source, rejects) == 1
    assert "read 7 = valid (dry run, nothing written) 4 + rejected 3" in capsys.readouterr().out
    entries = read_rejects(rejects)
    assert [(e["position"], e["code"]) for e in entries] == [
        (1, "malformed_json"),
        (3, "not_utf8"),
        (5, "bad_string"),
    ]
    assert entries[0]["raw_text"] == '{"id": "agent-x", "data": {"name": }}'
    assert "\\xe9" in entries[1]["raw_text"]
    assert entries[2]["record"]["data"]["name"] == "a\ud800b"  # kept exactly, not turned to "?"
    assert "lone UTF-16 surrogate" in entries[2]["reason"]


def test_an_oversize_array_element_is_rejected_and_the_rest_read(monkeypatch, tmp_path, capsys):
    from ddbctl.migrate import reader

    monkeypatch.setattr(reader, "MAX_DOCUMENT_BYTES", 1000)
    big = json.dumps(profile(9, description="d" * 2000))
    text = f"[{json.dumps(profile(1))}, {big}, {json.dumps(profile(2))}]"
    source = write_files(tmp_path / "in", {"all.json": text.encode()})
    assert migrate(source, tmp_path / "r.jsonl") == 1
    assert "valid (dry run, nothing written) 2 + rejected 1" in capsys.readouterr().out
    [entry] = read_rejects(tmp_path / "r.jsonl")
    assert (entry["position"], entry["code"]) == (1, "oversize")
    assert f"array element ({len(big):,} bytes) is over 1,000 bytes" in entry["reason"]


def test_whitespace_between_elements_costs_no_memory():
    import tracemalloc

    text = b"[1," + b" \n" * (10 << 20) + b"2]" + b" " * (1 << 20)  # 20 MiB between, 1 after
    tracemalloc.start()
    try:
        pieces = list(split_array(io.BytesIO(text), max_element=1 << 20))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [piece.data for piece in pieces] == [b"1", b"2"]
    assert peak < 1 << 20  # about one read chunk, not the 21 MiB of whitespace


def test_an_array_after_more_than_a_read_of_whitespace_is_still_an_array(tmp_path, capsys):
    text = " \n" * 6000 + "[" + ", ".join(json.dumps(profile(n)) for n in range(3)) + "]"
    source = write_files(tmp_path / "in", {"a.json": text.encode()})
    assert migrate(source, tmp_path / "r.jsonl") == 0
    assert "read 3 = valid (dry run, nothing written) 3 + rejected 0" in capsys.readouterr().out

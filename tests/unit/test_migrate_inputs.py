"""migrate-profiles: every kind of bad input gets a clear reason and a rejects entry, and the
run goes on. These run with --dry-run, so they need no DynamoDB."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ddbctl.cli import main
from tests.profiles import profile, read_rejects, write_files


def migrate(source: Path, rejects: Path, *extra: str) -> int:
    return main(
        [
            "migrate-profiles",
            str(source),
            "--env",
            "dev",
            "--dry-run",
            "--rejects",
            str(rejects),
            *list(extra),
        ]
    )


BIG = "x" * 300_000  # item holds it twice (field + profile_data): over 400 KB

BAD_INPUTS = {
    "malformed JSON": (b'{"id": "agent-9", "data": {', "malformed_json", "malformed JSON"),
    "non-UTF-8 bytes": (
        b'{"id": "agent-9", "data": {"name": "caf\xe9"}}',
        "not_utf8",
        "not valid UTF-8 (byte 0xe9",
    ),
    "NaN is not JSON": (
        b'{"id": "agent-9", "data": {"averagePrice": NaN}}',
        "malformed_json",
        "NaN",
    ),
    "missing id": ({"data": {"name": "No Id"}}, "missing_id", "id is missing"),
    "empty id": ({"id": "  ", "data": {"name": "Blank"}}, "empty_id", "id is empty"),
    "id of wrong type": ({"id": 42, "data": {}}, "wrong_type", "id must be a string, got a number"),
    "name of wrong type": (
        profile(9, name=["a"]),
        "wrong_type",
        "name must be a string, got a list",
    ),
    "tags not strings": (profile(9, tags=["ok", 3]), "wrong_type", "tags[1] must be a string"),
    "location not a list": (
        profile(9, location="Ann Arbor"),
        "wrong_type",
        "location must be a list",
    ),
    "data not an object": (
        {"id": "agent-9", "data": "text"},
        "wrong_type",
        "data must be an object",
    ),
    "record not an object": (42, "not_object", "record is a number, expected a profile object"),
    "non-numeric averagePrice": (
        profile(9, averagePrice="cheap"),
        "bad_number",
        "averagePrice must be a number, got a string 'cheap'",
    ),
    "boolean averagePrice": (profile(9, averagePrice=True), "bad_number", "got a boolean"),
    "number DynamoDB cannot hold": (
        b'{"id": "agent-9", "data": {"averagePrice": 1e400}}',
        "bad_number",
        "at most 38 significant digits",
    ),
    "oversize item": (profile(9, description=BIG), "oversize", "over DynamoDB's 400 KB"),
    "job longer than an index key": (
        profile(9, job="j" * 2049),
        "key_too_long",
        "job is 2,049 bytes",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_each_bad_record_is_rejected_with_a_reason_and_the_run_goes_on(case, tmp_path, capsys):
    content, code, message = BAD_INPUTS[case]
    source = write_files(
        tmp_path / "json_storage",
        {"a-good.json": profile(1), "b-bad.json": content, "c-good.json": profile(2)},
    )
    rejects = tmp_path / "rejects.jsonl"

    assert migrate(source, rejects) == 1

    out = capsys.readouterr().out
    assert "read 3 = valid (dry run, nothing written) 2 + rejected 1 + not written 0" in out
    assert f"rejected 1 {code}: e.g." in out
    [entry] = read_rejects(rejects)
    assert entry["code"] == code
    assert message in entry["reason"]
    assert entry["source"] == str(source / "b-bad.json")
    assert entry["kind"] == "rejected"
    if code in ("malformed_json", "not_utf8"):
        assert "raw_text" in entry  # unparseable: the text itself, bad bytes escaped
    else:
        assert entry["record"] == (content if isinstance(content, list | dict) else entry["record"])
        assert entry["record"] is not None


def test_non_utf8_raw_text_keeps_the_bad_byte_visible(tmp_path):
    source = write_files(tmp_path / "in", {"a.json": b'{"id": "x\xff"}'})
    migrate(source, tmp_path / "r.jsonl")
    [entry] = read_rejects(tmp_path / "r.jsonl")
    assert entry["raw_text"] == '{"id": "x\\xff"}'


def test_duplicates_first_occurrence_in_name_order_wins(tmp_path, capsys):
    first = profile(1)
    source = write_files(
        tmp_path / "in",
        {
            "b.json": [profile(2), first],  # an array file: element positions are reported
            "a.json": first,  # sorts first, so this one is kept
            "c.json": {**first, "data": {"name": "changed"}},
        },
    )
    rejects = tmp_path / "r.jsonl"
    assert migrate(source, rejects) == 1
    entries = read_rejects(rejects)
    assert [(e["location"], e["code"]) for e in entries] == [
        (f"{source}/b.json element 1", "duplicate_id"),
        (f"{source}/c.json", "duplicate_id"),
    ]
    assert entries[0]["reason"] == (
        f"duplicate id 'agent-00001': first seen at {source}/a.json, which was kept "
        "(first occurrence wins)"
    )
    assert "read 4 = valid (dry run, nothing written) 2 + rejected 2" in capsys.readouterr().out


def test_an_invalid_record_claims_no_id(tmp_path):
    source = write_files(
        tmp_path / "in", {"a.json": profile(1, averagePrice="n/a"), "b.json": profile(1)}
    )
    rejects = tmp_path / "r.jsonl"
    migrate(source, rejects)
    assert [e["code"] for e in read_rejects(rejects)] == ["bad_number"]  # b.json is written


def test_jsonl_reports_line_numbers_and_skips_blank_lines(tmp_path):
    source = tmp_path / "profiles.jsonl"
    source.write_text(json.dumps(profile(1)) + "\n\n" + '{"id": \n' + json.dumps(profile(2)) + "\n")
    rejects = tmp_path / "r.jsonl"
    assert migrate(source, rejects) == 1
    [entry] = read_rejects(rejects)
    assert entry["location"] == f"{source} line 3"
    assert entry["position"] == 3
    assert entry["raw_text"] == '{"id": \n'
    assert entry["reason"] == (  # the record's own line 1, not the newline after it
        "malformed JSON: Expecting value at line 1 column 7: fix the record in its source file"
    )


def test_broken_array_keeps_earlier_elements_and_rejects_the_rest(tmp_path, capsys):
    text = "[" + json.dumps(profile(1)) + ", " + json.dumps(profile(2)) + ', {"id": '
    source = write_files(tmp_path / "in", {"all.json": text.encode()})
    rejects = tmp_path / "r.jsonl"
    assert migrate(source, rejects) == 1
    [entry] = read_rejects(rejects)
    assert entry["code"] == "malformed_json"
    assert "elements 2 and later were not read" in entry["reason"]
    assert "valid (dry run, nothing written) 2 + rejected 1" in capsys.readouterr().out


def test_all_good_records_exit_zero(tmp_path, capsys):
    source = write_files(tmp_path / "in", {f"{n}.json": profile(n) for n in range(5)})
    assert migrate(source, tmp_path / "r.jsonl") == 0
    assert "read 5 = valid (dry run, nothing written) 5 + rejected 0" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("make_source", "message"),
    [
        (lambda tmp: tmp / "nope", "does not exist: pass a directory of *.json profile files"),
        (lambda tmp: (tmp / "empty").mkdir() or tmp / "empty", "holds no *.json or *.jsonl files"),
        (
            lambda tmp: write_files(tmp / "other", {"notes.txt": b"x"}),
            "holds no *.json or *.jsonl files",
        ),
        (
            lambda tmp: (tmp / "p.csv").write_text("id") and tmp / "p.csv",
            "neither a directory nor a .json/.jsonl file",
        ),
    ],
    ids=["missing path", "empty directory", "no json files", "wrong file type"],
)
def test_unusable_source_is_a_one_line_usage_error(make_source, message, tmp_path, capsys):
    source = make_source(tmp_path)
    assert migrate(source, tmp_path / "r.jsonl") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("ddbctl migrate-profiles: error: ")
    assert message in err


@pytest.mark.parametrize(
    ("name", "content"), [("blank.jsonl", b"\n\n"), ("empty-array.json", b"[]")]
)
def test_a_source_without_any_record_is_a_usage_error(name, content, tmp_path, capsys):
    source = tmp_path / name
    source.write_bytes(content)
    assert migrate(source, tmp_path / "r.jsonl") == 2
    assert "holds no profile records" in one_line(capsys)


def one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    return err


def test_prod_needs_confirm(tmp_path, capsys):
    source = write_files(tmp_path / "in", {"a.json": profile(1)})
    assert main(["migrate-profiles", str(source), "--env", "prod"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "ddbctl migrate-profiles: error: --env prod writes to the production table: "
        "add --confirm to proceed\n"
    )


def test_dry_run_and_resume_do_not_mix(tmp_path, capsys):
    source = write_files(tmp_path / "in", {"a.json": profile(1)})
    assert migrate(source, tmp_path / "r.jsonl", "--resume") == 2
    assert "--dry-run keeps no checkpoint" in capsys.readouterr().err


@pytest.mark.parametrize("workers", ["0", "65", "many"])
def test_workers_must_be_in_range(workers, tmp_path, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["migrate-profiles", str(tmp_path), "--env", "dev", "--workers", workers])
    assert caught.value.code == 2
    assert "must be a whole number from 1 to 64" in capsys.readouterr().err


def test_env_is_required(tmp_path, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["migrate-profiles", str(tmp_path)])
    assert caught.value.code == 2
    assert "--env" in capsys.readouterr().err


def test_files_and_lines_over_the_read_bound_are_rejected_unread(monkeypatch, tmp_path):
    import ddbctl.migrate.reader as reader

    monkeypatch.setattr(reader, "MAX_DOCUMENT_BYTES", 5_000)
    big = json.dumps(profile(1, description="x" * 6_000))
    source = write_files(tmp_path / "in", {"big.json": big.encode(), "ok.json": profile(2)})
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text(big + "\n" + json.dumps(profile(3)) + "\n")
    for path in (source, jsonl):
        rejects = tmp_path / f"{path.name}.r.jsonl"
        assert migrate(path, rejects) == 1
        [entry] = read_rejects(rejects)
        assert entry["code"] == "oversize"
        assert entry["reason"].endswith(
            "is over 5,000 bytes, read no further: a profile item must stay under DynamoDB's 400 KB"
        )


def test_a_directory_reads_jsonl_files_too_in_name_order(tmp_path, capsys):
    source = write_files(tmp_path / "in", {"a.json": profile(1), "c.json": profile(3)})
    (source / "b.jsonl").write_text(
        json.dumps(profile(1)) + "\n\n" + json.dumps(profile(2)) + "\n" + '{"id": ' + "\n"
    )
    rejects = tmp_path / "r.jsonl"

    assert migrate(source, rejects) == 1

    out = capsys.readouterr().out
    assert f"{source} (3 file(s))" in out
    assert "read 5 = valid (dry run, nothing written) 3 + rejected 2 + not written 0" in out
    assert [(e["location"], e["code"]) for e in read_rejects(rejects)] == [
        (f"{source}/b.jsonl line 1", "duplicate_id"),  # a.json sorts first and is kept
        (f"{source}/b.jsonl line 4", "malformed_json"),
    ]


def test_other_files_in_a_directory_are_named_in_one_line_not_skipped_silently(tmp_path, capsys):
    source = write_files(
        tmp_path / "in",
        {
            "a.json": profile(1),
            "notes.txt": b"x",
            "b.csv": b"id\n",
            ".DS_Store": b"\0",  # hidden and not .json/.jsonl: skipped without a word
            ".hidden.json": profile(2),  # hidden but .json: read
        },
    )
    write_files(source / "archive", {"c.json": profile(3)})  # not read, but named
    (source / ".git").mkdir()  # hidden: skipped without a word
    assert migrate(source, tmp_path / "r.jsonl") == 0
    captured = capsys.readouterr()
    assert "read 2 = valid (dry run, nothing written) 2" in captured.out
    assert captured.err == (
        "ddbctl migrate-profiles: skipped 3 entries that are not .json or .jsonl files "
        "(subdirectories are not read): archive/, b.csv, notes.txt\n"
    )


def test_a_long_list_of_skipped_files_is_cut_short(tmp_path, capsys):
    source = write_files(tmp_path / "in", {"a.json": profile(1)})
    for number in range(12):
        (source / f"n{number:02d}.txt").write_text("x")
    assert migrate(source, tmp_path / "r.jsonl") == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "skipped 12 entries that are not .json or .jsonl files" in err
    assert "(subdirectories are not read): n00.txt, " in err
    assert err.endswith("n09.txt and 2 more\n")


def test_a_file_that_cannot_be_opened_is_a_reject_and_the_run_goes_on(
    monkeypatch, tmp_path, capsys
):
    from ddbctl.migrate import reader

    source = write_files(tmp_path / "in", {"a.json": profile(1), "b.json": profile(2)})
    real_open = open

    def guarded(path, *args, **kwargs):
        if str(path).endswith("a.json"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(reader, "open", guarded, raising=False)
    rejects = tmp_path / "r.jsonl"
    assert migrate(source, rejects) == 1
    assert "read 2 = valid (dry run, nothing written) 1 + rejected 1" in capsys.readouterr().out
    [entry] = read_rejects(rejects)
    assert (entry["location"], entry["code"]) == (f"{source}/a.json", "unreadable")
    assert entry["reason"].startswith("cannot read the file: Permission denied;")


def test_a_read_error_mid_file_keeps_what_was_read_and_rejects_the_rest(
    monkeypatch, tmp_path, capsys
):
    from ddbctl.migrate import reader

    source = tmp_path / "p.jsonl"
    source.write_text("".join(json.dumps(profile(n)) + "\n" for n in range(4)))
    real_open = open

    class FailsAfterTwoLines:
        def __init__(self, handle):
            self._handle, self._lines = handle, 0

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._handle.close()

        def fileno(self):
            return self._handle.fileno()

        def tell(self):
            return self._handle.tell()

        def readline(self, size):
            self._lines += 1
            if self._lines > 2:
                raise OSError(5, "Input/output error")
            return self._handle.readline(size)

    monkeypatch.setattr(
        reader, "open", lambda path, mode: FailsAfterTwoLines(real_open(path, mode)), raising=False
    )
    rejects = tmp_path / "r.jsonl"
    assert migrate(source, rejects) == 1
    assert "read 3 = valid (dry run, nothing written) 2 + rejected 1" in capsys.readouterr().out
    [entry] = read_rejects(rejects)
    assert entry["code"] == "unreadable"
    assert (
        "cannot read the rest of the file (after 2 record(s)): Input/output error"
        in (entry["reason"])
    )


def test_a_directory_that_cannot_be_listed_is_a_usage_error(monkeypatch, tmp_path, capsys):
    from ddbctl.migrate import reader

    source = write_files(tmp_path / "in", {"a.json": profile(1)})

    def denied(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(reader.os, "scandir", denied)
    assert migrate(source, tmp_path / "r.jsonl") == 2
    err = capsys.readouterr().err
    assert err == (
        f"ddbctl migrate-profiles: error: cannot list {source}: Permission denied: fix its "
        "permissions (read and execute) and re-run\n"
    )


def test_a_lone_surrogate_escape_is_a_reject_kept_exactly(tmp_path, capsys):
    source = tmp_path / "p.jsonl"
    source.write_text('{"id": "agent-1", "data": {"name": "a\\udc00b"}}\n')
    rejects = tmp_path / "r.jsonl"
    assert migrate(source, rejects) == 1
    out = capsys.readouterr().out
    assert "rejected 1 bad_string: e.g. a string in the record holds \\udc00, a lone UTF-16" in out
    [entry] = read_rejects(rejects)
    assert entry["record"]["data"]["name"] == "a\udc00b"
    assert rejects.read_bytes().decode("utf-8")  # the rejects file itself is valid UTF-8


def test_a_broken_link_or_fifo_named_json_is_a_reject_not_ignored(tmp_path, capsys):
    import os

    source = write_files(tmp_path / "in", {"a.json": profile(1)})
    (source / "b.json").symlink_to(tmp_path / "gone.json")
    os.mkfifo(source / "c.json")  # never opened: that would wait for a writer forever
    rejects = tmp_path / "r.jsonl"
    assert migrate(source, rejects) == 1
    assert "read 3 = valid (dry run, nothing written) 1 + rejected 2" in capsys.readouterr().out
    reasons = {entry["location"]: entry["reason"] for entry in read_rejects(rejects)}
    assert "a symbolic link to a file that does not exist" in reasons[f"{source}/b.json"]
    assert "not a regular file (a FIFO, socket or device)" in reasons[f"{source}/c.json"]


def test_a_fifo_as_source_is_a_usage_error(tmp_path, capsys):
    import os

    fifo = tmp_path / "p.jsonl"
    os.mkfifo(fifo)
    assert migrate(fifo, tmp_path / "r.jsonl") == 2
    assert capsys.readouterr().err == (
        f"ddbctl migrate-profiles: error: {fifo} is not a regular file (a FIFO, socket or "
        "device): save the profiles to a file and pass that\n"
    )

"""The generated tables in the access document match the catalog.

The committed text is compared with what ``make docs`` would write; nothing
here reads the document's prose. The document's path comes from the generator.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from catalog.commands import COMMAND_ROLES
from catalog.consumers import CONSUMERS
from scripts import access_matrix
from tests.conftest import ROOT


def _committed() -> str:
    return access_matrix.DOCUMENT.read_text(encoding="utf-8")


def _fresh() -> str:
    """The committed document as `make docs` would rewrite it: the tests of the generator
    start from here, so a stale commit fails only the staleness test, which names the fix."""
    return access_matrix.regenerated(_committed())


def test_committed_access_document_is_what_make_docs_writes():
    committed = _committed()
    shown = access_matrix.DOCUMENT.relative_to(ROOT)
    assert access_matrix.regenerated(committed) == committed, (
        f"{shown} is stale: run `{access_matrix.COMMAND}` and commit it"
    )


def test_a_catalog_change_makes_the_document_stale():
    first, *rest = CONSUMERS
    grant, *other_grants = first.grants
    widened = replace(
        first, grants=(replace(grant, actions=(*grant.actions, "dynamodb:Scan")), *other_grants)
    )
    fresh = _fresh()
    assert access_matrix.regenerated(fresh, consumers=(widened, *rest)) != fresh


def test_text_outside_the_markers_is_kept():
    fresh = _fresh()
    edited = fresh.replace("# Access:", "# Access, edited:", 1)
    assert edited != fresh
    assert access_matrix.regenerated(edited) == edited


def test_every_consumer_and_grant_is_in_the_matrix_block():
    matrix = access_matrix.matrix_table(CONSUMERS)
    for consumer in CONSUMERS:
        for staging in (False, True):
            when = access_matrix.STAGING if staging else access_matrix.ALWAYS
            always = consumer.matrix(staging=False)
            for resource, actions in consumer.matrix(staging=staging).items():
                shown = actions - always.get(resource, frozenset()) if staging else actions
                if not shown:
                    continue
                (row,) = [
                    line
                    for line in matrix.splitlines()
                    if f"| `{consumer.id}` | " in line
                    and f" {resource} | " in line.replace("`", "")
                    and f"| {when} |" in line
                ]
                assert all(f"`{action}`" in row for action in shown), row


def test_every_command_is_in_the_commands_block_with_its_roles():
    table = access_matrix.commands_table(CONSUMERS)
    for entry in COMMAND_ROLES:
        (row,) = [
            line
            for line in table.splitlines()
            if f"`ddbctl {entry.usage}`" in line.replace("\\|", "|")
        ]
        assert all(f"`{role}`" in row for role in entry.roles), row


@pytest.mark.parametrize("marker", ["begin", "end"])
def test_a_missing_marker_is_one_line_naming_the_fix(marker):
    block = "access-matrix"
    line = (
        access_matrix.begin_marker(block) if marker == "begin" else access_matrix.end_marker(block)
    )
    broken = _committed().replace(line, "")
    with pytest.raises(access_matrix.StaleDocumentError) as caught:
        access_matrix.regenerated(broken)
    message = str(caught.value)
    assert "\n" not in message
    assert "restore the two marker lines" in message
    assert access_matrix.COMMAND in message


def test_a_repeated_block_is_refused():
    block = "consumers"
    pair = f"{access_matrix.begin_marker(block)}\n{access_matrix.end_marker(block)}\n"
    with pytest.raises(access_matrix.StaleDocumentError, match="exactly once"):
        access_matrix.regenerated(_committed() + pair)


@pytest.fixture
def scratch_document(tmp_path, monkeypatch):
    """The generator pointed at a copy, so the tests never rewrite the committed file."""
    copy = tmp_path / "access.md"
    copy.write_text(_fresh(), encoding="utf-8")
    monkeypatch.setattr(access_matrix, "DOCUMENT", copy)
    return copy


def test_main_rewrites_a_stale_copy_and_check_reports_it(scratch_document, capsys):
    fresh = scratch_document.read_text(encoding="utf-8")
    stale = fresh.replace("`dynamodb:PutItem`", "`dynamodb:DeleteItem`", 1)
    scratch_document.write_text(stale, encoding="utf-8")

    assert access_matrix.main(["--check"]) == 1
    assert f"is stale: run {access_matrix.COMMAND}" in capsys.readouterr().err
    assert scratch_document.read_text(encoding="utf-8") == stale

    assert access_matrix.main([]) == 0
    assert scratch_document.read_text(encoding="utf-8") == fresh
    assert access_matrix.main(["--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_main_on_a_document_without_markers_is_exit_1_and_one_line(scratch_document, capsys):
    scratch_document.write_text("# access\n", encoding="utf-8")
    assert access_matrix.main([]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert scratch_document.read_text(encoding="utf-8") == "# access\n"


def test_main_on_a_missing_document_is_exit_1(scratch_document, capsys):
    scratch_document.unlink()
    assert access_matrix.main([]) == 1
    assert "is missing: restore it from git" in capsys.readouterr().err


def test_an_unknown_option_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as caught:
        access_matrix.main(["--bogus"])
    assert caught.value.code == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err

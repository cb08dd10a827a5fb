"""The `cdk diff` gate: parser, verdict and PR comment.

tests/fixtures/cdk_diff/*.txt are real CDK CLI output (aws-cdk 2.1148.1), made
with `cdk diff --exclusively --app <modified assembly> --template <main's
template> <stack>` for a changed partition key, a renamed construct id and a
tag, then joined as `cdk diff --all` prints stacks: one section after another
and one closing `Number of stacks with differences` line for all of them.
Each is an excerpt: :func:`full_diff` adds the environment's other stacks as
unchanged sections, so the gate sees a complete diff whatever the stack layout.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest

from ddbctl.cli import main
from ddbctl.commands.check_diff import COMMENT_MARKER, MAX_DIFF_CHARS, render_comment
from schema_lock import parse_cdk_diff
from schema_lock.templates import expected_stack_names
from settings import load_from_cdk_json

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cdk_diff"
UNSAFE = FIXTURES / "staging-unsafe.txt"
# A new table: the app stack's BackupSelection is replaced (its table list
# cannot change in place), and the operations dashboard gains a widget.
NEW_TABLE = FIXTURES / "staging-new-table.txt"
TAG_ONLY = FIXTURES / "staging-tag-only.txt"


def test_real_output_replacement_and_orphan_are_found():
    changes = parse_cdk_diff(UNSAFE.read_text(encoding="utf-8"))
    assert [(c.stack, c.resource_type, c.resource, c.impact, c.properties) for c in changes] == [
        (
            "staging-opportunity-analyzer-data",
            "AWS::DynamoDB::GlobalTable",
            "OpportunitySessions/Table OpportunitySessionsTable02D38B60",
            "replace",
            ["KeySchema (requires replacement)"],
        ),
        (
            "staging-root-orchestrator-data",
            "AWS::DynamoDB::GlobalTable",
            "RequestProcessingLogsTable7714E1F3",
            "orphan",
            [],
        ),
    ]
    assert changes[0].line() == (
        "staging-opportunity-analyzer-data: AWS::DynamoDB::GlobalTable OpportunitySessions/Table "
        "OpportunitySessionsTable02D38B60 would be replaced (new, empty resource; the old one is "
        "deleted or orphaned); KeySchema (requires replacement)"
    )


def test_real_output_tag_change_and_no_difference_pass():
    assert parse_cdk_diff(TAG_ONLY.read_text(encoding="utf-8")) == []


def test_colours_old_style_removals_and_may_replace():
    text = "\n".join(
        [
            "\x1b[1mStack prod-data-key\x1b[22m",
            "\x1b[31m[-]\x1b[39m \x1b[36mAWS::KMS::Key\x1b[39m DataKey/Key DataKey2A0DE9E6",
            "[~] AWS::Backup::BackupVault Vault VaultABC may be replaced",
            " └─ [~] BackupVaultName (may cause replacement)",
            "[~] AWS::IAM::Role Reader ReaderRole replace",
            " └─ [~] RoleName (requires replacement)",
            "[+] AWS::DynamoDB::GlobalTable New NewTable",
            "[~] AWS::KMS::Alias DataKey/Alias Alias1 replace",
            "[-] AWS::S3::Bucket Exports ExportsBucket destroy (OR move to other.Bucket via "
            "refactoring)",
        ]
    )
    changes = parse_cdk_diff(text)
    assert [(c.stack, c.resource_type, c.impact, c.properties) for c in changes] == [
        ("prod-data-key", "AWS::KMS::Key", "destroy", []),
        (
            "prod-data-key",
            "AWS::Backup::BackupVault",
            "may be replaced",
            ["BackupVaultName (may cause replacement)"],
        ),
        ("prod-data-key", "AWS::S3::Bucket", "destroy", []),
    ]
    assert changes[2].resource == "Exports ExportsBucket"


def expected(env: str = "staging") -> tuple[str, ...]:
    return expected_stack_names(load_from_cdk_json(env))


def full_text(excerpt: Path, env: str = "staging") -> str:
    """``excerpt`` as `cdk diff --all` prints it for every stack of ``env``: the stacks
    the excerpt does not show are unchanged, and say so."""
    text = excerpt.read_text(encoding="utf-8")
    shown = set(re.findall(r"^Stack (\S+)", text, re.MULTILINE))
    unchanged = "".join(
        f"Stack {name}\nThere were no differences\n\n"
        for name in expected(env)
        if name not in shown
    )
    body, closing = text.rsplit("\n✨", 1)
    return f"{body}\n{unchanged}\n✨{closing}"


def full_diff(tmp_path, excerpt: Path, env: str = "staging") -> Path:
    path = tmp_path / f"full-{excerpt.name}"
    path.write_text(full_text(excerpt, env), encoding="utf-8")
    return path


def schema_report(tmp_path: Path, text: str) -> str:
    """A check-changes report file saying ``text``, for --schema-report."""
    report = tmp_path / "changes.txt"
    report.write_text(text)
    return str(report)


def run_gate(tmp_path, diff: Path, *extra: str) -> tuple[int, str]:
    comment = tmp_path / "comment.md"
    full = full_diff(tmp_path, diff)
    code = main(["check-diff", str(full), "--env", "staging", "--comment", str(comment), *extra])
    return code, comment.read_text(encoding="utf-8")


def test_gate_fails_on_stateful_replacement_and_writes_the_comment(tmp_path, capsys):
    code, comment = run_gate(tmp_path, UNSAFE)
    assert code == 1
    captured = capsys.readouterr()
    assert captured.out.count("UNSAFE [staging]") == 2
    assert "2 stateful resource(s) replaced or removed in staging" in captured.err
    assert "stateful-change-approved" in captured.err
    assert comment.startswith(COMMENT_MARKER.format(env="staging") + "\n")
    assert "### `cdk diff` for **staging**: **blocked**" in comment
    assert "- staging-root-orchestrator-data: AWS::DynamoDB::GlobalTable" in comment
    assert "[~] AWS::DynamoDB::GlobalTable OpportunitySessions/Table" in comment  # full diff


def test_label_accepts_a_reviewed_stateful_change(tmp_path, capsys):
    code, comment = run_gate(tmp_path, UNSAFE, "--accept-stateful")
    assert code == 0
    assert capsys.readouterr().out.count("accepted [staging]") == 2
    assert "stateful changes accepted by the `stateful-change-approved` label" in comment


def test_a_new_table_passes_although_its_backup_selection_is_replaced(tmp_path, capsys):
    text = NEW_TABLE.read_text(encoding="utf-8")
    assert "[~] AWS::Backup::BackupSelection BackupSelection BackupSelection1BF3761C replace" in (
        text
    )
    assert parse_cdk_diff(text) == []
    code, comment = run_gate(tmp_path, NEW_TABLE)
    assert code == 0
    assert capsys.readouterr().out == "ok [staging] no stateful resource is replaced or removed\n"
    assert "no stateful resource is replaced or removed" in comment.splitlines()[1]


DEPLOY_FAILURE = (
    "UNSAFE (fails the deploy) [staging] staging-x: adds 2 GSIs (A, B) in one deploy; "
    "DynamoDB creates or deletes one GSI per update, so the deploy fails. Safe path: ...\n"
)
DATA_LOSS = (
    "UNSAFE [staging] staging-x: is dropped from staging (no longer in staging-a-data). "
    "Safe path: ...\n"
)


def test_label_never_accepts_a_change_that_fails_the_deploy(tmp_path, capsys):
    report = schema_report(tmp_path, DATA_LOSS + DEPLOY_FAILURE)
    code, comment = run_gate(
        tmp_path,
        UNSAFE,
        "--schema-report",
        report,
        "--schema-exit",
        "1",
        "--accept-stateful",
    )
    assert code == 1
    captured = capsys.readouterr()
    assert captured.err == (
        "ddbctl check-diff: error: 1 change(s) in staging would fail the deploy, which the "
        "stateful-change-approved label cannot accept: follow check-changes' safe path\n"
    )
    assert captured.out.count("UNSAFE [staging]") == 2  # the stateful changes are not accepted
    assert "**blocked**" in comment.splitlines()[1]


def test_label_accepts_a_reviewed_data_losing_table_change(tmp_path, capsys):
    report = schema_report(tmp_path, DATA_LOSS)
    code, comment = run_gate(
        tmp_path,
        TAG_ONLY,
        "--schema-report",
        report,
        "--schema-exit",
        "1",
        "--accept-stateful",
    )
    assert code == 0
    assert "accepted by the `stateful-change-approved` label" in comment.splitlines()[1]


def test_label_without_the_check_changes_report_cannot_accept_its_failure(tmp_path, capsys):
    code, _ = run_gate(tmp_path, TAG_ONLY, "--schema-exit", "1", "--accept-stateful")
    assert code == 1
    assert "--schema-report was not given" in capsys.readouterr().err


def test_clean_diff_with_failed_check_changes_still_fails(tmp_path, capsys):
    report = schema_report(
        tmp_path, "UNSAFE [staging] staging-x: adds 2 GSIs (A, B) in one deploy\n"
    )
    code, comment = run_gate(tmp_path, TAG_ONLY, "--schema-report", report, "--schema-exit", "1")
    assert code == 1
    assert "check-changes found unsafe table changes in staging" in capsys.readouterr().err
    assert "Schema lock (`check-changes`, exit 1):" in comment
    assert "UNSAFE [staging] staging-x: adds 2 GSIs" in comment


def test_check_changes_that_could_not_run_is_never_accepted(tmp_path, capsys):
    code, _ = run_gate(tmp_path, TAG_ONLY, "--schema-exit", "2", "--accept-stateful")
    assert code == 1
    assert "check-changes could not run (exit 2)" in capsys.readouterr().err


def test_clean_diff_passes(tmp_path, capsys):
    report = schema_report(tmp_path, "ok [staging] 6 tables match the lock\n")
    code, comment = run_gate(tmp_path, TAG_ONLY, "--schema-report", report)
    assert code == 0
    assert capsys.readouterr().out == "ok [staging] no stateful resource is replaced or removed\n"
    assert "no stateful resource is replaced or removed" in comment.splitlines()[1]


def test_missing_diff_file_is_a_usage_error(tmp_path, capsys):
    assert main(["check-diff", str(tmp_path / "nope.txt"), "--env", "dev"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "cannot read diff output" in err


def test_comment_truncates_huge_diffs_and_keeps_its_fence():
    diff = "```\n" + "x" * (MAX_DIFF_CHARS * 2)
    comment = render_comment(
        environment="prod",
        diff=diff,
        changes=[],
        schema_report=None,
        schema_exit=0,
        accepted=False,
    )
    assert len(comment) < 65_536
    assert f"first {MAX_DIFF_CHARS} of {len(diff)} characters" in comment
    assert "\n````\n```\n" in comment  # a longer fence, so the diff's ``` cannot close it


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_one_marker_per_environment(env):
    comment = render_comment(
        environment=env, diff="", changes=[], schema_report=None, schema_exit=0, accepted=False
    )
    assert comment.splitlines()[0] == f"<!-- ddbctl cdk-diff {env} -->"


def test_expected_stacks_are_the_synthesized_ones(environments):
    for name, synthesized in environments.items():
        assert set(expected(name)) == set(synthesized.templates)


def refused(tmp_path, capsys, data: bytes, *extra: str) -> tuple[str, str]:
    """Run the gate on ``data``; it must refuse in one line (exit 2) and say so in the
    comment, replacing any earlier verdict."""
    diff = tmp_path / "diff.txt"
    diff.write_bytes(data)
    comment = tmp_path / "comment.md"
    code = main(["check-diff", str(diff), "--env", "staging", "--comment", str(comment), *extra])
    captured = capsys.readouterr()
    assert code == 2, captured
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith(f"ddbctl check-diff: error: diff output {diff} ")
    text = comment.read_text(encoding="utf-8")
    assert text.startswith(COMMENT_MARKER.format(env="staging") + "\n")
    assert "**blocked**: no complete diff to judge" in text.splitlines()[1]
    assert captured.err.removeprefix("ddbctl check-diff: error: ").strip() in text
    return captured.err, text


CDK_ERRORS = [
    "\u274c  Error: Need to perform AWS calls for account 222222222222, but no credentials "
    "have been configured\n",
    "Error: Cannot find module 'aws-cdk-lib'\n    at Module._resolveFilename (node:internal)\n",
    "Unable to resolve AWS account to use. It must be either configured when you define your "
    "stack, or through the environment\n",
]


@pytest.mark.parametrize("text", ["", "\n\n  \n"], ids=["empty", "blank"])
def test_an_empty_diff_is_refused(text, tmp_path, capsys):
    err, _ = refused(tmp_path, capsys, text.encode())
    assert "is empty: capture `cdk diff --all` (stdout and stderr) into the file" in err


@pytest.mark.parametrize("text", CDK_ERRORS, ids=["credentials", "module", "account"])
def test_cdk_diffs_own_error_text_is_refused(text, tmp_path, capsys):
    err, _ = refused(tmp_path, capsys, text.encode())
    assert "has no `Stack <name>` section, so it is not `cdk diff` output" in err
    assert text.splitlines()[0].strip()[:30] in err


def test_a_diff_cut_off_after_resources_is_refused(tmp_path, capsys):
    text = full_text(UNSAFE)
    cut = text[: text.index("Resources\n", text.index("Stack staging-root")) + len("Resources\n")]
    err, _ = refused(tmp_path, capsys, cut.encode())
    assert "ends before cdk diff's closing `Number of stacks with differences` line" in err
    assert "(the last section is staging-root-orchestrator-data)" in err


def test_a_diff_cut_off_before_its_closing_line_is_refused(tmp_path, capsys):
    text = full_text(TAG_ONLY)
    err, _ = refused(tmp_path, capsys, text[: text.index("\n✨")].encode())
    assert "ends before cdk diff's closing" in err


def test_a_section_with_no_change_and_no_verdict_is_refused(tmp_path, capsys):
    text = full_text(TAG_ONLY).replace(
        "Stack staging-trade-matching-data\n", "Stack staging-trade-matching-data\nResources\n"
    )
    head, tail = text.split("Resources\n[~]", 1)
    spliced = f"Stack staging-half-data\nResources\n{head}Resources\n[~]{tail}"
    err, _ = refused(tmp_path, capsys, spliced.encode())
    assert "has a section for staging-half-data with neither a change nor" in err


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_diff_is_refused(encoding, tmp_path, capsys):
    err, _ = refused(tmp_path, capsys, full_text(UNSAFE).encode(encoding))
    assert "is UTF-16 (or holds NUL bytes), not UTF-8 text" in err


def test_a_latin1_diff_is_refused(tmp_path, capsys):
    data = full_text(TAG_ONLY).replace("✨", "").encode("utf-8") + "caf\u00e9\n".encode("latin-1")
    err, _ = refused(tmp_path, capsys, data)
    assert "is not UTF-8 text (byte 0xe9 at offset" in err


def test_a_diff_missing_an_expected_stack_is_refused(tmp_path, capsys):
    missing = next(name for name in expected() if f"Stack {name}\n" not in TAG_ONLY.read_text())
    text = full_text(TAG_ONLY).replace(f"Stack {missing}\nThere were no differences\n", "")
    err, _ = refused(tmp_path, capsys, text.encode())
    assert f"has no section for {missing}: diff every stack of the environment" in err


def test_a_quiet_diff_that_hides_unchanged_stacks_is_refused(tmp_path, capsys):
    err, _ = refused(tmp_path, capsys, TAG_ONLY.read_bytes())  # the excerpt alone
    assert "has no section for" in err
    assert "(`cdk diff --all`, without --quiet)" in err


def test_a_closing_count_that_does_not_match_the_sections_is_refused(tmp_path, capsys):
    text = full_text(TAG_ONLY).replace("differences: 1", "differences: 4")
    err, _ = refused(tmp_path, capsys, text.encode())
    assert "says 4 stack(s) differ but shows 1" in err


def test_the_diff_of_another_environment_is_refused(tmp_path, capsys):
    dev_stacks = "".join(f"Stack {name}\nThere were no differences\n" for name in expected("dev"))
    text = f"{dev_stacks}\n✨  Number of stacks with differences: 0\n"
    err, _ = refused(tmp_path, capsys, text.encode())
    assert "has no section for staging-" in err


def test_colours_a_bom_and_cli_noise_are_still_a_whole_diff(tmp_path, capsys):
    text = full_text(TAG_ONLY).replace(
        "Stack staging-agent-matching-data", "Stack \x1b[1mstaging-agent-matching-data\x1b[22m"
    )
    diff = tmp_path / "diff.txt"
    diff.write_bytes(codecs.BOM_UTF8 + text.encode() + b"\nNOTICES  (What's this?)\n")
    assert main(["check-diff", str(diff), "--env", "staging"]) == 0
    assert capsys.readouterr().out == "ok [staging] no stateful resource is replaced or removed\n"


def test_the_gate_refuses_a_bad_cdk_json_before_judging(tmp_path, monkeypatch, capsys):
    diff = full_diff(tmp_path, TAG_ONLY)
    broken = tmp_path / "cdk.json"
    broken.write_text("[]")
    monkeypatch.setenv("DDBCTL_CDK_JSON", str(broken))
    assert main(["check-diff", str(diff), "--env", "staging"]) == 2
    assert capsys.readouterr().err == (
        f"ddbctl check-diff: error: {broken} holds an array, not an object: it must be an "
        'object with "app" and "context"\n'
    )


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (lambda tmp: tmp, "is a directory: name a file in it, e.g. "),
        (lambda tmp: tmp / "missing" / "comment.md", "does not exist: create it, or write"),
    ],
    ids=["directory", "missing parent"],
)
def test_a_comment_path_that_cannot_be_written_is_one_line(where, message, tmp_path, capsys):
    comment = where(tmp_path)
    argv = ["check-diff", str(full_diff(tmp_path, UNSAFE)), "--env", "staging"]
    assert main([*argv, "--comment", str(comment)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith(f"ddbctl check-diff: error: --comment {comment}")
    assert message in captured.err

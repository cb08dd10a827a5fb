"""The `cdk diff` gate: parser, verdict and PR comment.

tests/fixtures/cdk_diff/*.txt are real CDK CLI output (aws-cdk 2.1148.1), made
with `cdk diff --exclusively --app <modified assembly> --template <main's
template> <stack>` for a changed partition key, a renamed construct id and a
tag, then concatenated as `cdk diff --all` prints stacks one after another.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ddbctl.cli import main
from ddbctl.commands.check_diff import COMMENT_MARKER, MAX_DIFF_CHARS, render_comment
from schema_lock import parse_cdk_diff

FIXTURES = Path(__file__).parent / "fixtures" / "cdk_diff"
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


def run_gate(tmp_path, diff: Path, *extra: str) -> tuple[int, str]:
    comment = tmp_path / "comment.md"
    code = main(["check-diff", str(diff), "--env", "staging", "--comment", str(comment), *extra])
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
    report = tmp_path / "changes.txt"
    report.write_text(DATA_LOSS + DEPLOY_FAILURE)
    code, comment = run_gate(
        tmp_path,
        UNSAFE,
        "--schema-report",
        str(report),
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
    report = tmp_path / "changes.txt"
    report.write_text(DATA_LOSS)
    code, comment = run_gate(
        tmp_path,
        TAG_ONLY,
        "--schema-report",
        str(report),
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
    report = tmp_path / "changes.txt"
    report.write_text("UNSAFE [staging] staging-x: adds 2 GSIs (A, B) in one deploy\n")
    code, comment = run_gate(
        tmp_path, TAG_ONLY, "--schema-report", str(report), "--schema-exit", "1"
    )
    assert code == 1
    assert "check-changes found unsafe table changes in staging" in capsys.readouterr().err
    assert "Schema lock (`check-changes`, exit 1):" in comment
    assert "UNSAFE [staging] staging-x: adds 2 GSIs" in comment


def test_check_changes_that_could_not_run_is_never_accepted(tmp_path, capsys):
    code, _ = run_gate(tmp_path, TAG_ONLY, "--schema-exit", "2", "--accept-stateful")
    assert code == 1
    assert "check-changes could not run (exit 2)" in capsys.readouterr().err


def test_clean_diff_passes(tmp_path, capsys):
    report = tmp_path / "changes.txt"
    report.write_text("ok [staging] 6 tables match the lock\n")
    code, comment = run_gate(tmp_path, TAG_ONLY, "--schema-report", str(report))
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

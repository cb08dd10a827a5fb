"""Acceptance: real templates synthesized from a temporary copy of the catalog.

Two synths of staging in all: one catalog with four unsafe changes (on four
different tables, so each table's findings stand alone) and one with only
allowed changes. Both keep their cloud assembly on disk so the command line
is tested on exactly what `cdk synth --output` writes.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest

import catalog
from catalog import AttributeType, GlobalIndex, KeyAttribute, TableSpec
from ddbctl.cli import main
from schema_lock import compare, table_identities
from schema_lock.lockfile import LOCK_DIR
from schema_lock.templates import synthesize
from settings import load_from_cdk_json

S = AttributeType.STRING
TABLES_WITH_AUDIT = len(catalog.TABLES) + 1  # the allowed catalog adds trade-audit


def modified_catalog(**changes_by_key) -> dict[str, tuple[TableSpec, ...]]:
    """A copy of catalog.APPLICATIONS with some specs replaced (``key=changes``)."""
    return {
        application: tuple(
            dataclasses.replace(spec, **changes_by_key.get(spec.key, {})) for spec in specs
        )
        for application, specs in catalog.APPLICATIONS.items()
    }


def extra_gsis(spec_key: str, *names: str) -> tuple[GlobalIndex, ...]:
    new = tuple(GlobalIndex(name, KeyAttribute(f"{name}Key", S)) for name in names)
    return catalog.table(spec_key).global_indexes + new


def synth_staging(applications, outdir: Path, *, baseline):
    """Findings against ``baseline``: the unmodified catalog's staging templates, so these
    checks see only the edits made here, whether or not the committed lock is current
    (tests/test_schema_lock_files.py checks that, and names `make lock`)."""
    config = load_from_cdk_json("staging")
    templates = synthesize([config], applications=applications, outdir=outdir)["staging"]
    findings = compare(
        environment="staging",
        locked=table_identities(baseline.templates),
        current=table_identities(templates),
        protected=config.protected,
        retains_tables=True,
    )
    return outdir, {finding.table: finding for finding in findings}, findings


@pytest.fixture(scope="module")
def unsafe(tmp_path_factory, environments):
    applications = modified_catalog(
        OpportunitySessions={
            "global_indexes": extra_gsis("OpportunitySessions", "Owner", "Region")
        },
        **{
            "agent-profiles": {"partition_key": KeyAttribute("profile_id", S)},
            "request_processing_logs": {"base_name": "request_logs"},
            "ai-trade-matching-processing-status": {"construct_id": "WorkflowStatus"},
        },
    )
    outdir = tmp_path_factory.mktemp("unsafe") / "cdk.out.staging"
    return synth_staging(applications, outdir, baseline=environments["staging"])


@pytest.fixture(scope="module")
def allowed(tmp_path_factory, environments):
    applications = modified_catalog(
        OpportunitySessions={"global_indexes": extra_gsis("OpportunitySessions", "Owner")},
        **{
            "ai-trade-matching-processing-status": {
                "tags": (*catalog.table("ai-trade-matching-processing-status").tags, ("Cost", "x"))
            }
        },
    )
    audit = TableSpec(
        key="trade-audit",
        construct_id="TradeAudit",
        base_name="trade-audit",
        application="trade-matching",
        partition_key=KeyAttribute("auditId", S),
    )
    applications["trade-matching"] = (*applications["trade-matching"], audit)
    outdir = tmp_path_factory.mktemp("allowed") / "cdk.out.staging"
    return synth_staging(applications, outdir, baseline=environments["staging"])


def test_two_new_gsis_at_once_fail(unsafe):
    finding = unsafe[1]["staging-OpportunitySessions"]
    assert finding.unsafe
    assert finding.fails_deploy
    assert finding.line() == (
        "UNSAFE (fails the deploy) [staging] staging-OpportunitySessions: adds 2 GSIs "
        "(Owner, Region) in one deploy; DynamoDB creates or deletes one GSI per update, "
        "so the deploy fails. "
        "Safe path: one GSI change per deploy: add Owner first and deploy, then add Region in "
        "the next deploy"
    )


def test_changed_partition_key_fails(unsafe):
    finding = unsafe[1]["staging-agent-profiles"]
    assert finding.unsafe
    assert "key changes from id (S, HASH) to profile_id (S, HASH)" in finding.change
    assert "whole stack update fails" in finding.change
    assert finding.fails_deploy  # the custom name stays, so CloudFormation cannot replace it
    assert "Safe path: changing a key replaces the table: create a new table" in finding.line()
    assert "backfill it, switch readers and writers, then retire the old one" in finding.line()


def test_renamed_table_fails(unsafe):
    finding = unsafe[1]["staging-request_logs"]
    assert finding.unsafe
    assert "is renamed from staging-request_processing_logs to staging-request_logs" in (
        finding.change
    )
    assert "Safe path: keep the physical name" in finding.line()
    # The deploy succeeds and orphans the old table: a loss a reviewer may accept.
    assert not finding.fails_deploy
    assert finding.line().startswith("UNSAFE [staging] staging-request_logs:")


def test_renamed_construct_id_fails_as_a_move(unsafe):
    finding = unsafe[1]["staging-ai-trade-matching-processing-status"]
    assert finding.unsafe
    assert "moves from staging-data-layer/TradeMatchingProcessingStatusTable" in finding.change
    assert "to staging-data-layer/TradeMatchingWorkflowStatusTable" in finding.change
    assert "Safe path: keep the table's construct id" in finding.line()


def test_every_failure_names_a_safe_path(unsafe):
    findings = unsafe[2]
    assert len(findings) == 4
    assert all(f.unsafe and "Safe path: " in f.line() for f in findings)


def test_one_new_gsi_a_new_table_and_a_tag_pass(allowed):
    findings = allowed[2]
    assert not any(finding.unsafe for finding in findings)
    assert [finding.line() for finding in findings] == [
        "ok [staging] staging-trade-audit: is a new table in staging-data-layer (created empty)",
        "ok [staging] staging-OpportunitySessions: adds GSI Owner (backfills online; the table "
        "stays available, and the index answers queries fully once its backfill ends)",
    ]


# The command line, on the same two assemblies.


def test_cli_fails_on_the_unsafe_catalog(unsafe, capsys):
    outdir = unsafe[0]
    assert main(["check-changes", "--env", "staging", "--cdk-out", str(outdir)]) == 1
    captured = capsys.readouterr()
    unsafe_lines = [line for line in captured.out.splitlines() if line.startswith("UNSAFE")]
    assert len(unsafe_lines) == 4
    assert captured.err == (
        "ddbctl check-changes: error: 4 unsafe table change(s): follow the safe path on each "
        "UNSAFE line\n"
    )


def test_cli_passes_the_allowed_catalog_and_says_what_happens(allowed, capsys):
    pattern = str(allowed[0]).replace("staging", "{env}")
    assert main(["check-changes", "--env", "staging", "--cdk-out", pattern]) == 0
    out = capsys.readouterr().out
    assert "ok [staging] staging-OpportunitySessions: adds GSI Owner (backfills online" in out
    assert "record them with `make lock`" in out


def test_strict_fails_on_allowed_changes_the_lock_does_not_record_yet(allowed, tmp_path, capsys):
    """What `make test` runs: the lock must describe the branch, or the next pull request
    would be judged against a lock that is not what main deploys."""
    argv = ["check-changes", "--env", "staging", "--cdk-out", str(allowed[0]), "--strict"]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert "ok [staging] staging-OpportunitySessions: adds GSI Owner" in captured.out
    assert captured.err == (
        "ddbctl check-changes: error: the lock is out of date (table-locks/staging.json): run "
        "`make lock` and commit it\n"
    )
    assert main([*argv, "--lock-dir", str(tmp_path), "--update-lock"]) == 0
    capsys.readouterr()
    assert main([*argv, "--lock-dir", str(tmp_path)]) == 0  # recorded: strict passes
    assert capsys.readouterr().out == f"ok [staging] {TABLES_WITH_AUDIT} tables match the lock\n"


def test_cli_update_lock_then_check_matches(allowed, tmp_path, capsys):
    cdk_out = str(allowed[0])
    args = ["check-changes", "--env", "staging", "--cdk-out", cdk_out, "--lock-dir", str(tmp_path)]
    assert main([*args, "--update-lock"]) == 0
    assert f"staging.json: updated ({TABLES_WITH_AUDIT} tables)" in capsys.readouterr().out
    assert main([*args, "--update-lock"]) == 0
    assert f"staging.json: unchanged ({TABLES_WITH_AUDIT} tables)" in capsys.readouterr().out
    assert main(args) == 0
    assert capsys.readouterr().out == f"ok [staging] {TABLES_WITH_AUDIT} tables match the lock\n"


def test_cli_missing_lock_is_a_usage_error(allowed, tmp_path, capsys):
    argv = ["check-changes", "--env", "prod", "--cdk-out", str(allowed[0])]
    # prod stacks are not in this staging assembly: that is reported first.
    assert main(argv) == 2
    assert "has no prod stacks" in capsys.readouterr().err
    argv = ["check-changes", "--env", "staging", "--cdk-out", str(allowed[0])]
    assert main([*argv, "--lock-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "staging.json does not exist: create it with `make lock` and commit it" in err


def test_cli_missing_cdk_out_is_a_usage_error(tmp_path, capsys):
    assert main(["check-changes", "--cdk-out", str(tmp_path / "cdk.out.{env}")]) == 2
    err = capsys.readouterr().err
    assert "manifest.json not found: run `make synth` first" in err


def test_cli_update_lock_and_baseline_ref_do_not_combine(capsys):
    assert main(["check-changes", "--update-lock", "--baseline-ref", "HEAD"]) == 2
    assert "do not combine" in capsys.readouterr().err


# --baseline-ref: what the pull-request workflow runs against the base branch.


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def lock_repo(tmp_path) -> Path:
    """A git repo whose first commit has no lock and whose second has main's staging lock."""
    git(tmp_path, "init", "-q")
    git(tmp_path, "commit", "-q", "--allow-empty", "-m", "before the lock")
    shutil.copy(LOCK_DIR / "staging.json", tmp_path / "staging.json")
    git(tmp_path, "add", "staging.json")
    git(tmp_path, "commit", "-q", "-m", "lock")
    return tmp_path


def baseline(assembly, repo, ref="HEAD"):
    return [
        "check-changes",
        "--env",
        "staging",
        "--cdk-out",
        str(assembly[0]),
        "--lock-dir",
        str(repo),
        "--baseline-ref",
        ref,
    ]


def test_baseline_requires_the_pull_request_to_update_the_lock(allowed, lock_repo, capsys):
    assert main(baseline(allowed, lock_repo)) == 1
    captured = capsys.readouterr()
    assert "adds GSI Owner" in captured.out
    assert "the lock is out of date (" in captured.err
    assert "staging.json): run `make lock` and commit it" in captured.err
    main(["check-changes", "--env", "staging", "--cdk-out", str(allowed[0]), "--lock-dir",
          str(lock_repo), "--update-lock"])  # fmt: skip
    capsys.readouterr()
    assert main(baseline(allowed, lock_repo)) == 0
    assert "adds GSI Owner" in capsys.readouterr().out


def test_baseline_is_not_bypassed_by_relocking(unsafe, lock_repo, capsys):
    argv = ["check-changes", "--env", "staging", "--cdk-out", str(unsafe[0])]
    assert main([*argv, "--lock-dir", str(lock_repo), "--update-lock"]) == 0
    assert main([*argv, "--lock-dir", str(lock_repo)]) == 0  # the relocked tree passes locally
    capsys.readouterr()
    assert main(baseline(unsafe, lock_repo)) == 1  # but not against the base branch's lock
    assert capsys.readouterr().out.count("UNSAFE") == 4


def test_baseline_without_a_lock_counts_every_table_as_new(allowed, lock_repo, capsys):
    main(["check-changes", "--env", "staging", "--cdk-out", str(allowed[0]), "--lock-dir",
          str(lock_repo), "--update-lock"])  # fmt: skip
    capsys.readouterr()
    assert main(baseline(allowed, lock_repo, ref="HEAD~1")) == 0
    out = capsys.readouterr().out
    assert "note [staging]: HEAD~1 has no lock yet; every table counts as new" in out
    assert out.count("is a new table") == TABLES_WITH_AUDIT


def test_baseline_unknown_ref_is_a_usage_error(allowed, lock_repo, capsys):
    assert main(baseline(allowed, lock_repo, ref="no-such-branch")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "cannot read the lock at git ref 'no-such-branch'" in err
    assert "fetch-depth: 0" in err


def test_a_catalog_that_does_not_synthesize_is_a_one_line_usage_error(monkeypatch, capsys):
    # 21 GSIs: TableV2 refuses them while the app is built, before any template.
    names = [f"Extra{n}" for n in range(21)]
    sessions = dataclasses.replace(
        catalog.table("OpportunitySessions"),
        global_indexes=tuple(GlobalIndex(name, KeyAttribute(f"{name}Key", S)) for name in names),
    )
    monkeypatch.setitem(catalog.APPLICATIONS, "opportunity-analyzer", (sessions,))
    assert main(["check-changes", "--env", "staging"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("ddbctl check-changes: error: cannot synthesize staging: ")
    assert err.endswith("(fix it; `cdk synth -c env=<env>` shows it whole)\n")

"""The change rules, on identities edited by hand: one test per kind of change.

Starting from the committed staging lock keeps the cases realistic without a
synth; tests/test_schema_lock_catalog.py proves the same rules on real
templates synthesized from a modified catalog.
"""

from __future__ import annotations

import dataclasses

import pytest

from schema_lock import Index, KeyPart, TableIdentity, Ttl, compare, read_lock
from schema_lock.lockfile import LOCK_DIR

SESSIONS = "staging-OpportunitySessions"
STATUS = "staging-ai-trade-matching-processing-status"


@pytest.fixture(scope="module")
def locked() -> dict[str, TableIdentity]:
    return read_lock(LOCK_DIR / "staging.json", "staging")


def by_label(tables: dict[str, TableIdentity], label: str) -> TableIdentity:
    return next(table for table in tables.values() if table.label == label)


def judge(locked, current, *, environment="staging", protected=True, retains_tables=True):
    return compare(
        environment=environment,
        locked=locked,
        current=current,
        protected=protected,
        retains_tables=retains_tables,
    )


def with_table(tables, label, **changes):
    table = by_label(tables, label)
    return {**tables, table.resource_id: dataclasses.replace(table, **changes)}


def only(findings):
    assert len(findings) == 1, [f.line() for f in findings]
    return findings[0]


def test_no_change_no_findings(locked):
    assert judge(locked, dict(locked)) == []


def test_ttl_rename_is_unsafe_and_names_the_two_deploys(locked):
    current = with_table(locked, STATUS, ttl=Ttl("expiresAtEpoch", enabled=True))
    finding = only(judge(locked, current))
    assert finding.unsafe
    assert finding.fails_deploy
    assert finding.table == STATUS
    assert "'expiresAt' to 'expiresAtEpoch'" in finding.change
    assert finding.detail.startswith("TTL rename: disable TTL, deploy, wait for it to finish")
    assert "enable it on 'expiresAtEpoch' in a second deploy" in finding.detail


def test_disabling_ttl_is_allowed_and_warns_about_the_hour(locked):
    for ttl in (None, Ttl("expiresAt", enabled=False)):
        finding = only(judge(locked, with_table(locked, STATUS, ttl=ttl)))
        assert not finding.unsafe
        assert "disables TTL on 'expiresAt'" in finding.line()
        assert "up to 1 h" in finding.detail


def test_enabling_ttl_after_a_disable_deploy_is_allowed(locked):
    disabled = with_table(locked, STATUS, ttl=Ttl("expiresAt", enabled=False))
    current = with_table(locked, STATUS, ttl=Ttl("expiresAtEpoch", enabled=True))
    finding = only(judge(disabled, current))
    assert not finding.unsafe
    assert "enables TTL on 'expiresAtEpoch'" in finding.change


def test_gsi_key_change_in_place_is_unsafe(locked):
    sessions = by_label(locked, SESSIONS)
    status = sessions.gsi("StatusIndex")
    changed = dataclasses.replace(
        status, keys=(*status.keys[:1], KeyPart("createdAt", "RANGE", "S"))
    )
    indexes = tuple(changed if i.name == "StatusIndex" else i for i in sessions.global_indexes)
    finding = only(judge(locked, with_table(locked, SESSIONS, global_indexes=indexes)))
    assert finding.unsafe
    assert finding.fails_deploy
    assert "changes GSI StatusIndex's keys" in finding.change
    assert "updatedAt (S, RANGE)" in finding.change
    assert "createdAt (S, RANGE)" in finding.change
    assert "under a new name" in finding.detail
    assert "remove StatusIndex in a later deploy" in finding.detail


def test_gsi_projection_change_in_place_is_unsafe(locked):
    sessions = by_label(locked, SESSIONS)
    indexes = tuple(
        dataclasses.replace(i, projection="KEYS_ONLY") if i.name == "PriorityIndex" else i
        for i in sessions.global_indexes
    )
    finding = only(judge(locked, with_table(locked, SESSIONS, global_indexes=indexes)))
    assert finding.unsafe
    assert "projection from ALL to KEYS_ONLY" in finding.change


def test_adding_one_gsi_and_removing_another_is_two_operations(locked):
    sessions = by_label(locked, SESSIONS)
    new = Index("OwnerIndex", (KeyPart("ownerId", "HASH", "S"),), "ALL")
    indexes = (*(i for i in sessions.global_indexes if i.name != "PriorityIndex"), new)
    finding = only(judge(locked, with_table(locked, SESSIONS, global_indexes=indexes)))
    assert finding.unsafe
    assert finding.fails_deploy
    assert "adds GSI OwnerIndex and removes GSI PriorityIndex in one deploy" in finding.change
    assert finding.detail == (
        "one GSI change per deploy: add OwnerIndex first and deploy, "
        "then remove PriorityIndex in the next deploy"
    )


def test_removing_one_gsi_is_allowed(locked):
    sessions = by_label(locked, SESSIONS)
    indexes = tuple(i for i in sessions.global_indexes if i.name != "PriorityIndex")
    finding = only(judge(locked, with_table(locked, SESSIONS, global_indexes=indexes)))
    assert not finding.unsafe
    assert finding.change == "removes GSI PriorityIndex"


def test_key_attribute_type_change_replaces(locked):
    sessions = by_label(locked, SESSIONS)
    keys = (sessions.keys[0], dataclasses.replace(sessions.keys[1], type="N"))
    finding = only(judge(locked, with_table(locked, SESSIONS, keys=keys)))
    assert finding.unsafe
    assert "opportunityId (S, RANGE) to sessionId (S, HASH) + opportunityId (N, RANGE)" in (
        finding.change
    )
    assert "cannot create a second table with the same custom name, so the whole stack update " in (
        finding.change
    )
    assert finding.detail.startswith("changing a key replaces the table: create a new table")


def test_unnamed_table_replacement_says_data_is_lost(locked):
    sessions = by_label(locked, SESSIONS)
    unnamed = {**locked, sessions.resource_id: dataclasses.replace(sessions, table_name=None)}
    keys = (KeyPart("id", "HASH", "S"),)
    current = {
        **unnamed,
        sessions.resource_id: dataclasses.replace(unnamed[sessions.resource_id], keys=keys),
    }
    finding = only(judge(unnamed, current))
    assert "creates a new, empty table and orphans the old one with its data" in finding.change
    assert finding.table == sessions.resource_id
    assert not finding.fails_deploy  # an unnamed table can be replaced, with its data lost


def test_adding_an_lsi_replaces(locked):
    lsi = Index(
        "ByUpdatedAt",
        (KeyPart("sessionId", "HASH", "S"), KeyPart("updatedAt", "RANGE", "S")),
        "ALL",
    )
    finding = only(judge(locked, with_table(locked, SESSIONS, local_indexes=(lsi,))))
    assert finding.unsafe
    assert finding.fails_deploy  # the named table cannot be replaced
    assert "local secondary indexes change (ByUpdatedAt)" in finding.change
    assert finding.detail.startswith("LSIs exist only from a table's creation")


def test_resource_type_change_is_unsafe_and_names_the_import_path(locked):
    current = with_table(locked, SESSIONS, resource_type="AWS::DynamoDB::Table")
    finding = only(judge(locked, current))
    assert finding.unsafe
    assert finding.fails_deploy
    assert (
        "changes resource type from AWS::DynamoDB::GlobalTable to AWS::DynamoDB::Table"
        in finding.change
    )
    assert "Update of resource type is not permitted" in finding.change
    assert "`cdk import`" in finding.detail


def test_physical_rename_replaces(locked):
    current = with_table(locked, SESSIONS, table_name="staging-Sessions")
    finding = only(judge(locked, current))
    assert finding.unsafe
    assert not finding.fails_deploy  # succeeds, and orphans the old table
    assert f"is renamed from {SESSIONS} to staging-Sessions" in finding.change
    assert "creates a new, empty table and orphans the old one with its data" in finding.change
    assert "table_names in cdk.json" in finding.detail


def test_physical_rename_in_dev_deletes_the_old_table(locked):
    current = with_table(locked, SESSIONS, table_name="staging-Sessions")
    finding = only(judge(locked, current, protected=False, retains_tables=False))
    assert finding.unsafe
    assert "creates a new, empty table and deletes the old one with its data" in finding.change


def test_construct_rename_is_a_move_not_a_drop_and_a_create(locked):
    sessions = by_label(locked, SESSIONS)
    moved = dataclasses.replace(sessions, logical_id="SessionsTableABCDEF12")
    current = {rid: t for rid, t in locked.items() if rid != sessions.resource_id}
    current[moved.resource_id] = moved
    finding = only(judge(locked, current))
    assert finding.unsafe
    assert finding.fails_deploy
    assert f"moves from {sessions.resource_id} to {moved.resource_id}" in finding.change
    assert "a name the old one still holds, so the deploy fails" in finding.change
    assert "keep the table's construct id" in finding.detail
    assert "`cdk import`" in finding.detail


@pytest.mark.parametrize("environment", ["staging", "prod"])
def test_dropping_a_table_from_staging_or_prod_is_unsafe(locked, environment):
    sessions = by_label(locked, SESSIONS)
    current = {rid: t for rid, t in locked.items() if rid != sessions.resource_id}
    finding = only(judge(locked, current, environment=environment))
    assert finding.unsafe
    assert not finding.fails_deploy  # a reviewer may accept a drop
    assert finding.detail.startswith(f"dropping a table from {environment}: remove it only after")
    assert "removal orphans it" in finding.detail


def test_dropping_a_dev_table_is_allowed_and_says_what_happens(locked):
    sessions = by_label(locked, SESSIONS)
    current = {rid: t for rid, t in locked.items() if rid != sessions.resource_id}
    destroyed = only(
        judge(locked, current, environment="dev", protected=False, retains_tables=False)
    )
    assert not destroyed.unsafe
    assert "its data is deleted" in destroyed.detail
    kept = only(judge(locked, current, environment="dev", protected=False, retains_tables=True))
    assert "orphaned" in kept.detail


def test_new_table_is_allowed(locked):
    sessions = by_label(locked, SESSIONS)
    extra = dataclasses.replace(sessions, logical_id="ArchiveTable1", table_name="staging-archive")
    finding = only(judge(locked, {**locked, extra.resource_id: extra}))
    assert not finding.unsafe
    assert finding.line() == (
        "ok [staging] staging-archive: is a new table in staging-data-layer (created empty)"
    )

"""The committed locks, their format, and how identities are read from templates."""

from __future__ import annotations

import json

import pytest

from schema_lock import (
    Index,
    KeyPart,
    LockError,
    Ttl,
    compare,
    read_lock,
    render_lock,
    table_identities,
    write_lock,
)
from schema_lock.lockfile import LOCK_DIR, lock_path, parse_lock
from settings import ENVIRONMENT_NAMES


def test_committed_locks_match_the_current_templates(environments):
    """What `make test` also checks through the CLI, here on the session's templates."""
    for name in ENVIRONMENT_NAMES:
        current = table_identities(environments[name].templates)
        locked = read_lock(lock_path(LOCK_DIR, name), name)
        assert locked == current, f"table-locks/{name}.json is stale: run `make lock`"
        findings = compare(
            environment=name, locked=locked, current=current, protected=True, retains_tables=True
        )
        assert findings == []


def test_committed_locks_are_canonical_and_cover_every_table():
    for name in ENVIRONMENT_NAMES:
        text = lock_path(LOCK_DIR, name).read_text(encoding="utf-8")
        tables = parse_lock(text, source=name, environment=name)
        assert render_lock(name, tables) == text  # sorted, stable, not edited by hand
        assert len(tables) == 6
        assert all(table.table_name.startswith(f"{name}-") for table in tables.values())


def test_lock_records_identity_fields(environments):
    locked = read_lock(lock_path(LOCK_DIR, "prod"), "prod")
    sessions = next(t for t in locked.values() if t.table_name == "prod-OpportunitySessions")
    assert sessions.stack == "prod-data-layer"
    assert sessions.logical_id.startswith("OpportunityAnalyzerOpportunitySessionsTable")
    assert sessions.resource_type == "AWS::DynamoDB::GlobalTable"
    assert sessions.keys == (
        KeyPart("sessionId", "HASH", "S"),
        KeyPart("opportunityId", "RANGE", "S"),
    )
    assert sessions.gsi("PriorityIndex") == Index(
        "PriorityIndex",
        (KeyPart("priority", "HASH", "S"), KeyPart("estimatedARR", "RANGE", "N")),
        "ALL",
    )
    assert sessions.ttl == Ttl("ttl", enabled=True)
    assert sessions.local_indexes == ()


def test_plain_table_resources_with_lsis_are_read_too():
    template = {
        "Resources": {
            "Legacy": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "TableName": {"Fn::Sub": "${AWS::StackName}-legacy"},
                    "AttributeDefinitions": [
                        {"AttributeName": "pk", "AttributeType": "S"},
                        {"AttributeName": "at", "AttributeType": "N"},
                    ],
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                    "LocalSecondaryIndexes": [
                        {
                            "IndexName": "ByTime",
                            "KeySchema": [
                                {"AttributeName": "pk", "KeyType": "HASH"},
                                {"AttributeName": "at", "KeyType": "RANGE"},
                            ],
                            "Projection": {
                                "ProjectionType": "INCLUDE",
                                "NonKeyAttributes": ["z", "a"],
                            },
                        }
                    ],
                    "TimeToLiveSpecification": {"AttributeName": "exp", "Enabled": False},
                },
            },
            "Role": {"Type": "AWS::IAM::Role", "Properties": {}},
        }
    }
    (table,) = table_identities({"s": template}).values()
    assert table.resource_id == "s/Legacy"
    assert table.table_name == '{"Fn::Sub": "${AWS::StackName}-legacy"}'
    assert table.local_indexes == (
        Index(
            "ByTime",
            (KeyPart("pk", "HASH", "S"), KeyPart("at", "RANGE", "N")),
            "INCLUDE",
            ("a", "z"),
        ),
    )
    assert table.ttl == Ttl("exp", enabled=False)
    # and it survives the lock round trip
    assert parse_lock(render_lock("dev", {"s/Legacy": table}), source="x", environment="dev") == {
        "s/Legacy": table
    }


def test_write_lock_reports_whether_it_changed(tmp_path):
    tables = read_lock(lock_path(LOCK_DIR, "dev"), "dev")
    path = tmp_path / "locks" / "dev.json"
    assert write_lock(path, "dev", tables) is True
    assert write_lock(path, "dev", tables) is False
    assert path.read_text(encoding="utf-8").endswith("}\n")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "is not a valid schema lock (Expecting property name"),
        ('{"format": 1, "environment": "prod"}', "is not a valid schema lock (missing 'tables')"),
        ('{"format": 2, "environment": "prod", "tables": {}}', "has format 2, expected 1"),
        ('{"format": 1, "environment": "dev", "tables": {}}', "is the lock of 'dev', not 'prod'"),
        ('{"format": 1, "environment": "prod", "tables": {"a": {}}}', "missing 'stack'"),
        ("[]", "is not a valid schema lock"),
    ],
)
def test_bad_locks_fail_in_one_line_naming_the_fix(tmp_path, text, message):
    path = tmp_path / "prod.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LockError) as caught:
        read_lock(path, "prod")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert str(caught.value).endswith("regenerate it with `make lock` after review")


def test_missing_lock_names_make_lock(tmp_path):
    with pytest.raises(LockError, match=r"does not exist: create it with `make lock`"):
        read_lock(tmp_path / "dev.json", "dev")


def test_lock_json_is_sorted(tmp_path):
    document = json.loads(lock_path(LOCK_DIR, "staging").read_text(encoding="utf-8"))
    assert list(document) == sorted(document)
    assert list(document["tables"]) == sorted(document["tables"])

"""A table whose key schema is not agent-profiles' (issue 14, item 9).

It refuses every item the same way, so ``migrate-profiles`` refuses it before the first
write (from DescribeTable), and if a table still refuses a batch for its schema the run
stops at that first refusal instead of resending each item alone, and the summary, the
rejects file and the checkpoint say exactly what was written."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import Stubber

import ddbctl.commands.migrate_profiles as command
import ddbctl.migrate.writer as writer_module
from ddbctl.cli import main
from ddbctl.context import CommandContext
from ddbctl.migrate import checkpoint as cp
from ddbctl.migrate.table_schema import schema_problem
from ddbctl.migrate.writer import Batch, SchemaMismatchError, write_one
from ddbio import BackoffPolicy, dynamodb_client
from tests.agent_profiles_table import table_description
from tests.profiles import drop_tables, pending, profile, read_rejects, write_files

TABLE = "dev-agent-profiles"
KEY_REFUSAL = "The provided key element does not match the schema"


def described(**overrides) -> dict:
    return table_description(TABLE, **overrides)["Table"]


def test_the_catalogs_table_takes_the_items():
    assert schema_problem(described()) is None


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        (
            {"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]},
            "has the key schema pk (HASH), not agent-profiles' id (HASH) alone",
        ),
        (
            {
                "KeySchema": [
                    {"AttributeName": "id", "KeyType": "HASH"},
                    {"AttributeName": "sk", "KeyType": "RANGE"},
                ]
            },
            "has the key schema id (HASH), sk (RANGE), not agent-profiles' id (HASH) alone",
        ),
        (
            {"AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "N"}]},
            "declares id, its key, as a number, but migrate-profiles writes id as a string",
        ),
        (
            {
                "AttributeDefinitions": [
                    {"AttributeName": "id", "AttributeType": "S"},
                    {"AttributeName": "job", "AttributeType": "N"},
                ]
            },
            "declares job, the key of its index job-index, as a number, but migrate-profiles "
            "writes job as a string",
        ),
    ],
    ids=["other-key", "sort-key", "number-id", "number-index-key"],
)
def test_a_table_that_would_refuse_every_item_is_named(overrides, problem):
    assert schema_problem(described(**overrides)) == problem


def test_an_index_on_an_attribute_the_items_never_have_is_fine():
    extra = {
        "IndexName": "by-owner",
        "KeySchema": [{"AttributeName": "owner", "KeyType": "HASH"}],
    }
    table = described()
    table["GlobalSecondaryIndexes"].append(extra)
    table["AttributeDefinitions"].append({"AttributeName": "owner", "AttributeType": "N"})
    assert schema_problem(table) is None


@pytest.fixture
def previous_run(tmp_path):
    """A source and the rejects file and checkpoint an earlier run left."""
    source = write_files(tmp_path / "in", {f"{n:03d}.json": profile(n) for n in range(50)})
    rejects = tmp_path / "r.jsonl"
    rejects.write_bytes(
        b'{"seq": 3, "kind": "rejected", "source": "x", "position": null, "location": "x", '
        b'"code": "missing_id", "reason": "r", "record": {}}\n'
    )
    checkpoint = tmp_path / "r.jsonl.checkpoint"
    cp.save(checkpoint, cp.Checkpoint("s", TABLE, "f", next_seq=9, complete=True))
    return source, rejects, checkpoint


def stub_client(monkeypatch, description: dict) -> Stubber:
    client = boto3.client("dynamodb", region_name="us-east-1")
    stubber = Stubber(client)
    stubber.add_response("describe_table", description)
    stubber.activate()
    monkeypatch.setattr(CommandContext, "client", lambda self, **options: client)
    return stubber


def test_a_wrong_schema_table_is_refused_before_anything_is_written(
    previous_run, monkeypatch, capsys
):
    source, rejects, checkpoint = previous_run
    before = {path: path.read_bytes() for path in (rejects, checkpoint)}
    wrong = table_description(TABLE, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    stubber = stub_client(monkeypatch, wrong)
    argv = ["migrate-profiles", str(source), "--env", "dev", "--rejects", str(rejects)]
    assert main(argv) == 1
    stubber.assert_no_pending_responses()  # DescribeTable only: no BatchWriteItem was sent
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"ddbctl migrate-profiles: error: table {TABLE} at AWS has the key schema pk (HASH), "
        "not agent-profiles' id (HASH) alone, so it would refuse every item; nothing was "
        "written: point --env/--endpoint-url at the agent-profiles table, or recreate the "
        "table with the catalog's key schema\n"
    )
    assert {path: path.read_bytes() for path in (rejects, checkpoint)} == before


@pytest.mark.parametrize(
    "message",
    [
        KEY_REFUSAL,
        "One of the required keys was not given a value",  # DynamoDB Local's wording
        "One or more parameter values were invalid: Missing the key pk in the item",
        "One or more parameter values were invalid: Type mismatch for key id expected: N actual: S",
        "One or more parameter values were invalid: Type mismatch for Index Key job "
        "Expected: N Actual: S IndexName: job-index",
    ],
)
def test_a_schema_refusal_stops_at_the_first_batch_without_resending_each_item(message):
    client = boto3.client("dynamodb", region_name="us-east-1")
    calls: list[str] = []
    client.meta.events.register(
        "provide-client-params.dynamodb.BatchWriteItem", lambda **kw: calls.append("call")
    )
    with Stubber(client) as stubber:
        stubber.add_client_error(
            "batch_write_item", service_error_code="ValidationException", service_message=message
        )
        outcome = write_one(
            client, TABLE, Batch(0, [pending(n) for n in range(3)]), BackoffPolicy()
        )
        stubber.assert_no_pending_responses()
    assert calls == ["call"]  # one BatchWriteItem, no item-by-item resend
    assert isinstance(outcome.fatal, SchemaMismatchError)
    assert (outcome.written, outcome.not_written) == (0, [])
    assert str(outcome.fatal) == (
        f"table {TABLE} refused the items' keys (DynamoDB: {message}); its key schema is not "
        "agent-profiles': point --env/--endpoint-url at the agent-profiles table, or recreate "
        "it with the catalog's key schema"
    )


def test_a_schema_refusal_mid_run_reports_exactly_what_was_written(
    previous_run, monkeypatch, capsys
):
    """The first batch was written, the second refused: 25 written, 25 unfinished, no
    per-item failures in the rejects file, and a checkpoint at 25 that --resume continues
    from once the table is right."""
    source, rejects, checkpoint = previous_run
    stubber = stub_client(monkeypatch, table_description(TABLE))
    stubber.add_response("batch_write_item", {"UnprocessedItems": {}})
    stubber.add_client_error(
        "batch_write_item", service_error_code="ValidationException", service_message=KEY_REFUSAL
    )
    monkeypatch.setattr(writer_module, "BackoffPolicy", lambda: BackoffPolicy(sleep=lambda s: None))
    argv = ["migrate-profiles", str(source), "--env", "dev", "--workers", "1"]
    assert main([*argv, "--rejects", str(rejects)]) == 1
    stubber.assert_no_pending_responses()
    captured = capsys.readouterr()
    assert "read 50 = written 25 + rejected 0 + not written 0 + unfinished 25\n" in captured.out
    assert captured.err == (
        f"ddbctl migrate-profiles: stopped: table {TABLE} refused the items' keys (DynamoDB: "
        f"{KEY_REFUSAL}); its key schema is not agent-profiles': point --env/--endpoint-url at "
        "the agent-profiles table, or recreate it with the catalog's key schema; 25 record(s) "
        "unfinished: run the same command with --resume to continue\n"
    )
    assert read_rejects(rejects) == []
    saved = json.loads(checkpoint.read_text())
    assert (saved["next_seq"], saved["complete"]) == (25, False)


@pytest.fixture
def wrong_tables(dynamodb_local):
    """dev-agent-profiles keyed on pk, as a hand-made or another tool's table might be."""
    client = dynamodb_client(region="us-east-1", endpoint_url=dynamodb_local)

    drop_tables(client, TABLE)
    client.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    yield client
    drop_tables(client, TABLE)


@pytest.mark.integration
def test_dynamodb_local_wrong_schema_table_is_refused_and_left_empty(
    wrong_tables, dynamodb_local, previous_run, capsys
):
    source, rejects, checkpoint = previous_run
    before = {path: path.read_bytes() for path in (rejects, checkpoint)}
    argv = ["migrate-profiles", str(source), "--env", "dev", "--endpoint-url", dynamodb_local]
    assert main([*argv, "--rejects", str(rejects)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "has the key schema pk (HASH), not agent-profiles' id (HASH) alone" in err
    assert wrong_tables.scan(TableName=TABLE)["Count"] == 0
    assert {path: path.read_bytes() for path in (rejects, checkpoint)} == before


@pytest.mark.integration
def test_dynamodb_locals_own_schema_refusal_stops_the_run(
    wrong_tables, dynamodb_local, previous_run, monkeypatch, capsys
):
    """Past the up-front check (as if the table changed under the run), DynamoDB Local's
    real refusal is recognised: one batch sent, nothing written, all unfinished."""
    source, rejects, checkpoint = previous_run
    monkeypatch.setattr(command, "schema_problem", lambda description: None)
    calls: list[str] = []
    real_write = writer_module.write_one

    def counting(*args, **kwargs):
        calls.append("batch")
        return real_write(*args, **kwargs)

    real_writer = command.ParallelWriter
    monkeypatch.setattr(command, "ParallelWriter", lambda **kw: real_writer(**kw, write=counting))
    argv = ["migrate-profiles", str(source), "--env", "dev", "--endpoint-url", dynamodb_local]
    assert main([*argv, "--rejects", str(rejects), "--workers", "1"]) == 1
    captured = capsys.readouterr()
    assert "read 50 = written 0 + rejected 0 + not written 0 + unfinished 50\n" in captured.out
    assert "refused the items' keys (DynamoDB: " in captured.err
    assert "Traceback" not in captured.err
    assert len(calls) <= 2  # at most the two batches already in flight, never item by item
    assert read_rejects(rejects) == []
    assert json.loads(checkpoint.read_text())["next_seq"] == 0
    assert wrong_tables.scan(TableName=TABLE)["Count"] == 0

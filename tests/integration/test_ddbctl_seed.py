"""``ddbctl seed``: the seeder's code against real DynamoDB (Local), and its refusals."""

from __future__ import annotations

import subprocess
import sys

import boto3
import pytest
from moto import mock_aws

import catalog
from catalog.samples import SAMPLES, SampleDataError
from ddbctl.cli import main
from ddbctl.commands import seed as seed_command
from ddbctl.seeding import SeedRefusedError, seed_environment
from ddbctl.table_definitions import create_table
from ddbio import UnprocessedItemsError, dynamodb_client
from ddbio.seeding import SeedingStoppedError
from settings import load_environment, load_from_cdk_json
from tests import seed_snippets
from tests.conftest import ROOT, drop_tables
from tests.seed_snippets import REQUEST_ID

DEV = load_from_cdk_json("dev")
PROD_REFUSAL = (
    "ddbctl seed: error: refusing to seed prod: sample data never goes to prod; use --env dev"
)


def create_dev_tables(client) -> None:
    for spec in catalog.TABLES:
        create_table(client, spec, table_name=DEV.table_name(spec))


@pytest.fixture(scope="module")
def seeded_local(dynamodb_local):
    """DynamoDB Local with the dev tables, seeded by the CLI."""
    client = dynamodb_client(region=DEV.region, endpoint_url=dynamodb_local)
    create_dev_tables(client)
    assert main(["seed", "--env", "dev", "--endpoint-url", dynamodb_local]) == 0
    yield client
    drop_tables(client, [DEV.table_name(spec) for spec in catalog.TABLES])


@pytest.mark.integration
def test_seed_writes_every_sample_item_and_reports_it(seeded_local, dynamodb_local, capsys):
    assert main(["seed", "--env", "dev", "--endpoint-url", dynamodb_local]) == 0
    out = capsys.readouterr().out.splitlines()
    total = sum(len(items) for items in SAMPLES.values())
    assert out[-1] == f"seeded {total} item(s) into {len(SAMPLES)} table(s)"
    names = {key: DEV.table_name(catalog.table(key)) for key in SAMPLES}
    width = max(len(name) for name in names.values())  # one column, as wide as the longest
    assert sorted(out[:-1]) == sorted(
        f"{names[key]:<{width}}  {len(items)} item(s) upserted" for key, items in SAMPLES.items()
    )


@pytest.mark.integration
def test_seed_001_get_request_by_id_returns_the_sample(seeded_local):
    item = seeded_local.get_item(**seed_snippets.GET_REQUEST)["Item"]
    assert item["user_id"] == {"S": "test-user-123"}
    assert item["config"]["M"]["quality_threshold"] == {"N": "0.7"}
    assert item["processing_metadata"]["M"]["test_run"] == {"BOOL": True}


@pytest.mark.integration
def test_seed_000_logs_for_the_request_come_back_in_ascending_timestamp_order(seeded_local):
    response = seeded_local.query(**seed_snippets.LOGS_FOR_REQUEST)
    timestamps = [item["timestamp"]["S"] for item in response["Items"]]
    expected = sorted(log["timestamp"] for log in SAMPLES["request_processing_logs"])
    assert timestamps == expected
    assert response["Items"][0]["log_id"] == {"S": "log_1757412789250_001"}


@pytest.mark.integration
def test_seed_000_user_and_pending_queries_find_the_request(seeded_local):
    for snippet in (seed_snippets.REQUESTS_BY_USER, seed_snippets.PENDING_REQUESTS):
        assert seed_snippets.request_ids(seeded_local.query(**snippet)) == [REQUEST_ID]


@pytest.mark.integration
def test_seed_002_status_session_and_003_high_priority_by_arr(seeded_local):
    status = seeded_local.get_item(
        TableName="dev-ai-trade-matching-processing-status",
        Key={"sessionId": {"S": "test-session-123"}},
    )["Item"]
    assert status["tradeExtraction"]["M"]["duration"] == {"N": "17.095"}
    high = seeded_local.query(**seed_snippets.HIGH_PRIORITY_BY_ARR)["Items"]
    arrs = [int(i["estimatedARR"]["N"]) for i in high]
    assert arrs == sorted(arrs, reverse=True) and len(arrs) >= 2


@pytest.mark.integration
def test_seeding_again_is_idempotent(seeded_local):
    before = {
        name: seeded_local.scan(TableName=name, Select="COUNT")["Count"]
        for name in (DEV.table_name(catalog.table(key)) for key in SAMPLES)
    }
    assert seed_environment(client=seeded_local, config=DEV) == {
        DEV.table_name(catalog.table(key)): len(items) for key, items in SAMPLES.items()
    }
    after = {name: seeded_local.scan(TableName=name, Select="COUNT")["Count"] for name in before}
    assert after == before


def test_seed_refuses_prod_with_one_line(capsys):
    assert main(["seed", "--env", "prod"]) == 1
    assert capsys.readouterr().err == PROD_REFUSAL + "\n"


def test_python_m_ddbctl_seed_refuses_prod(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "ddbctl", "seed", "--env", "prod"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [PROD_REFUSAL]
    assert result.stdout == ""


def test_seed_environment_refuses_a_prod_config_whatever_the_caller():
    with pytest.raises(SeedRefusedError, match="refusing to seed prod"):
        seed_environment(client=object(), config=load_from_cdk_json("prod"))


def test_missing_tables_give_one_line_naming_the_fix(capsys):
    with mock_aws():
        assert main(["seed", "--env", "dev"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("ddbctl seed: error: cannot seed dev-")
    assert "the table does not exist in us-east-1" in err


def test_seed_environment_returns_items_written_per_table():
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        staging = load_environment(
            "staging",
            {"staging": {"account": "222222222222", "seed_sample_data": True}},
        )
        for spec in catalog.TABLES:
            create_table(client, spec, table_name=staging.table_name(spec))
        written = seed_environment(client=client, config=staging)
    assert written == {
        staging.table_name(catalog.table(key)): len(items) for key, items in SAMPLES.items()
    }
    assert all(name.startswith("staging-") for name in written)


def test_seed_refuses_an_environment_whose_config_takes_no_sample_data(capsys):
    with mock_aws():
        assert main(["seed", "--env", "staging"]) == 1
    assert capsys.readouterr().err == (
        "ddbctl seed: error: staging takes no sample data (seed_sample_data is off): use "
        '--env dev, or set "seed_sample_data": true for staging in cdk.json\n'
    )


@pytest.mark.parametrize(
    "error",
    [
        UnprocessedItemsError("dev-agent-profiles", [{"PutRequest": {}}], 8),
        SampleDataError("1 sample data problem(s): x (fix catalog/samples/)"),
    ],
    ids=["throttled", "bad-sample-data"],
)
def test_seeding_failures_are_one_line_and_exit_1(monkeypatch, capsys, error):
    def fail(**_):
        raise error

    monkeypatch.setattr(seed_command, "seed_environment", fail)
    # Not a loopback URL: no reachability probe; seed_environment fails before any call.
    assert main(["seed", "--env", "dev", "--endpoint-url", "https://ddb.example.invalid"]) == 1
    assert capsys.readouterr().err == f"ddbctl seed: error: {error}\n"


def test_a_wrong_schema_table_is_refused_before_any_table_is_written(capsys):
    """Seeding used to write two tables, then print only the ValidationException."""
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        for spec in catalog.TABLES:
            if spec.key != "request_processing_logs":
                create_table(client, spec, table_name=DEV.table_name(spec))
        client.create_table(
            TableName="dev-request_processing_logs",
            KeySchema=[{"AttributeName": "request_id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "request_id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        assert main(["seed", "--env", "dev"]) == 1
        counts = [
            client.scan(TableName=name, Select="COUNT")["Count"]
            for name in client.list_tables()["TableNames"]
        ]
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(
        "ddbctl seed: error: cannot seed dev-request_processing_logs: its key is "
        "['request_id'], the catalog's is ['log_id']"
    )
    assert counts == [0] * len(catalog.TABLES)


def test_a_write_that_fails_midway_says_what_was_written(monkeypatch, capsys):
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_dev_tables(client)
        sent = []
        logs = DEV.table_name(catalog.table("request_processing_logs"))

        def refuse_logs(params, **_):
            sent.extend(params["RequestItems"])
            if logs in params["RequestItems"]:
                raise UnprocessedItemsError(logs, params["RequestItems"][logs], 8)

        client.meta.events.register("provide-client-params.dynamodb.BatchWriteItem", refuse_logs)
        with pytest.raises(SeedingStoppedError) as caught:
            seed_environment(client=client, config=DEV)
    written = {name for name in sent if name != logs}
    assert written, "the sample tables sort so that some come before the logs"
    message = str(caught.value)
    assert message.startswith(f"seeding stopped at {logs}: ")
    for name in written:
        assert f"{name} (" in message

"""``ddbctl query``: every catalog access pattern, run against moto tables."""

from __future__ import annotations

import json
from decimal import Decimal

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

import catalog
from catalog import AccessPattern, Operation
from ddbctl import access
from ddbctl.cli import main
from ddbctl.environment_tables import create_environment_tables
from ddbctl.errors import CliError
from settings import load_from_cdk_json

DEV = load_from_cdk_json("dev")
S = boto3.dynamodb.types.TypeSerializer()


def put(client, table: str, **item) -> None:
    client.put_item(TableName=f"dev-{table}", Item={k: S.serialize(v) for k, v in item.items()})


@pytest.fixture
def dev_tables(moto_client):
    with mock_aws():
        create_environment_tables(moto_client, DEV)
        yield moto_client


def exit_code(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as stop:  # argparse usage errors
        return stop.code


def query_json(capsys, *argv: str) -> list[dict]:
    assert main(["query", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


# The seeds' own queries (000, 001, 002, 003, 004) are each one named pattern.
SEED_QUERIES = {
    "request-by-id": ["request_id=r1"],
    "requests-by-user": ["user_id=test-user-123"],
    "requests-by-project": ["project_id=p1"],
    "pending-requests": [],
    "table-strategy-by-priority": [],
    "logs-by-request": ["request_id=r1"],
    "status-session": ["sessionId=test-session-123"],
    "session-opportunities": ["sessionId=s1"],
    "opportunities-by-status": ["status=OPEN"],
    "high-priority-by-arr": [],
    "opportunity-by-id": ["opportunityId=o1"],
    "agents-by-job": ["job=plumber"],
    "agents-by-city": ["location_city=Lisbon"],
    "agent-conversations": ["agent_id=a1"],
}


def test_every_seed_query_is_a_catalog_pattern():
    assert set(SEED_QUERIES) <= set(catalog.access_patterns())


@pytest.mark.parametrize("name", sorted(catalog.access_patterns()))
def test_every_pattern_builds_a_request_from_the_catalog(name):
    spec, pattern = catalog.access_patterns()[name]
    words = [f"{parameter}=x" for parameter in pattern.parameters]
    prepared = access.prepare(name, words, table_name_of=DEV.table_name)
    request = prepared.request()
    assert request["TableName"] == DEV.table_name(spec)
    if pattern.operation is Operation.GET:
        assert set(request["Key"]) == {spec.partition_key.name}
        return
    assert request["KeyConditionExpression"] == pattern.key_condition
    # Every key name goes through ExpressionAttributeNames (status, timestamp are reserved).
    assert all(f"#{n}" in request["ExpressionAttributeNames"] for n in prepared.key_values)
    assert request["ScanIndexForward"] is pattern.scan_forward
    assert request.get("IndexName") == pattern.index
    for fixed_name, fixed_value in pattern.fixed:
        assert request["ExpressionAttributeValues"][f":{fixed_name}"] == {"S": fixed_value}


def test_seed_000_and_001_queries(dev_tables, capsys):
    c = dev_tables
    base = {"user_id": "test-user-123", "project_id": "p1", "processing_strategy": "table"}
    put(
        c,
        "market_intelligence_requests",
        request_id="r1",
        status="pending",
        created_at="2024-01-02",
        priority="high",
        **base,
    )
    put(
        c,
        "market_intelligence_requests",
        request_id="r2",
        status="completed",
        created_at="2024-01-01",
        priority="medium",
        **base,
    )
    put(
        c,
        "market_intelligence_requests",
        request_id="r3",
        status="pending",
        created_at="2024-01-03",
        priority="low",
        user_id="someone-else",
    )
    put(c, "request_processing_logs", log_id="l2", request_id="r1", timestamp="2024-01-02T10")
    put(c, "request_processing_logs", log_id="l1", request_id="r1", timestamp="2024-01-02T09")

    assert [i["request_id"] for i in query_json(capsys, "request-by-id", "request_id=r1")] == ["r1"]
    by_user = query_json(capsys, "requests-by-user", "user_id=test-user-123")
    assert [i["request_id"] for i in by_user] == ["r2", "r1"]  # created_at ascending
    pending = query_json(capsys, "pending-requests")
    assert [i["request_id"] for i in pending] == ["r1", "r3"]
    strategy = query_json(capsys, "table-strategy-by-priority")
    assert [i["priority"] for i in strategy] == ["medium", "high"]  # String, descending
    logs = query_json(capsys, "logs-by-request", "request_id=r1")
    assert [i["log_id"] for i in logs] == ["l1", "l2"]  # timestamp ascending


def test_opportunity_and_agent_patterns(dev_tables, capsys):
    c = dev_tables
    for opportunity, arr, status in (("o1", 900, "OPEN"), ("o2", 1200, "OPEN"), ("o3", 50, "WON")):
        put(
            c,
            "OpportunitySessions",
            sessionId="s1",
            opportunityId=opportunity,
            status=status,
            updatedAt="2024",
            priority="High",
            estimatedARR=Decimal(arr),
        )
    put(c, "agent-profiles", id="a1", job="plumber", location_city="Lisbon")
    put(c, "agent-conversations", conversation_id="c1", timestamp="t1", agent_id="a1")

    top = query_json(capsys, "high-priority-by-arr")
    assert [i["estimatedARR"] for i in top] == [1200, 900, 50]  # Number sort key, descending
    assert isinstance(top[0]["estimatedARR"], int)  # Decimal rendered as a JSON number
    assert len(query_json(capsys, "session-opportunities", "sessionId=s1")) == 3
    assert len(query_json(capsys, "opportunities-by-status", "status=OPEN")) == 2
    found = query_json(capsys, "opportunity-by-id", "opportunityId=o3")
    assert [(i["sessionId"], i["status"]) for i in found] == [("s1", "WON")]
    assert [i["id"] for i in query_json(capsys, "agents-by-job", "job=plumber")] == ["a1"]
    assert len(query_json(capsys, "agents-by-city", "location_city=Lisbon")) == 1
    assert len(query_json(capsys, "agent-conversations", "agent_id=a1")) == 1


def test_readable_output_and_parameters_after_options(dev_tables, capsys):
    put(
        dev_tables,
        "ai-trade-matching-processing-status",
        sessionId="test-session-123",
        overallStatus="initializing",
        expiresAt=Decimal(1735123200),
    )
    assert main(["query", "status-session", "--env", "dev", "sessionId=test-session-123"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "status-session: dev-ai-trade-matching-processing-status"
    assert out[1].split() == ["sessionId", "expiresAt", "overallStatus"]
    assert out[2].split() == ["test-session-123", "1735123200", "initializing"]
    assert out[3] == "1 item(s)"


def test_nothing_found_is_not_an_error(dev_tables, capsys):
    assert main(["query", "request-by-id", "request_id=nope"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "0 item(s)"


def test_queries_follow_every_page():
    client = boto3.client("dynamodb", region_name="us-east-1")
    prepared = access.prepare("pending-requests", [], table_name_of=DEV.table_name)
    with Stubber(client) as stubber:
        page = {"Items": [{"request_id": {"S": "r1"}}], "LastEvaluatedKey": {"x": {"S": "1"}}}
        stubber.add_response("query", page, {**prepared.request()})
        stubber.add_response(
            "query",
            {"Items": [{"request_id": {"S": "r2"}}]},
            {**prepared.request(), "ExclusiveStartKey": {"x": {"S": "1"}}},
        )
        items = list(access.run(client, prepared))
        stubber.assert_no_pending_responses()
    assert [item["request_id"] for item in items] == ["r1", "r2"]


def test_limit_stops_early(dev_tables, capsys):
    for i in range(5):
        put(dev_tables, "agent-profiles", id=f"a{i}", job="cook")
    assert len(query_json(capsys, "agents-by-job", "job=cook", "--limit", "2")) == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "no pattern given; valid patterns: agent-by-id, "),
        (["nope"], "unknown pattern 'nope'; valid patterns: agent-by-id, "),
        (["requests-by-user"], "requests-by-user needs user_id (parameters: user_id)"),
        (["requests-by-user", "user_id=a", "x=1"], "takes no parameter 'x' (parameters: user_id)"),
        (["pending-requests", "status=failed"], "[fixed: status=pending]"),
        (["requests-by-user", "user_id"], "expected name=value, got 'user_id'"),
        (["requests-by-user", "user_id=a", "user_id=b"], "user_id given twice"),
        (["requests-by-user", "user_id=a", "--limit", "0"], "invalid limit '0'"),
        (["requests-by-user", "user_id="], "user_id is empty: key values cannot be empty"),
    ],
)
def test_bad_input_is_one_line(argv, message, capsys):
    assert exit_code(["query", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert message in err


def test_a_missing_table_names_the_table_and_the_fix(capsys):
    with mock_aws():
        assert exit_code(["query", "requests-by-user", "user_id=a"]) == 1
    assert capsys.readouterr().err == (
        "ddbctl query: error: table dev-market_intelligence_requests does not exist at "
        "AWS us-east-1: deploy it with `cdk deploy --context env=dev`, or run "
        "`ddbctl local up --env dev` for DynamoDB Local\n"
    )


NUMBER_PATTERN = AccessPattern(
    name="priority-above-arr",
    description="test-only: a pattern with a Number parameter",
    operation=Operation.QUERY,
    index="PriorityIndex",
    key_condition="#priority = :priority AND #estimatedARR >= :estimatedARR",
)


def test_number_parameters_are_typed_and_checked(dev_tables, capsys, monkeypatch):
    spec = catalog.table("OpportunitySessions")
    monkeypatch.setattr(
        catalog, "access_patterns", lambda: {NUMBER_PATTERN.name: (spec, NUMBER_PATTERN)}
    )
    put(
        dev_tables,
        "OpportunitySessions",
        sessionId="s",
        opportunityId="o",
        priority="High",
        estimatedARR=Decimal(100),
    )
    argv = ["priority-above-arr", "priority=High"]
    assert len(query_json(capsys, *argv, "estimatedARR=99.5")) == 1
    assert query_json(capsys, *argv, "estimatedARR=1e3") == []
    assert main(["query", *argv, "estimatedARR=lots"]) == 2
    err = capsys.readouterr().err
    assert err == "ddbctl query: error: estimatedARR must be a number, got 'lots'\n"


def test_typed_value_rejects_non_finite_numbers():
    with pytest.raises(CliError, match="must be a number"):
        access.typed_value("n", "NaN", catalog.AttributeType.NUMBER)
    assert access.typed_value("n", "12", catalog.AttributeType.NUMBER) == Decimal(12)


@pytest.mark.parametrize(
    ("argv", "title"),
    [
        (
            ["logs-by-request", "request_id=r1"],
            "logs-by-request: dev-request_processing_logs / request-logs-index, ascending by "
            "timestamp",
        ),
        (
            ["agent-conversations", "agent_id=a1"],
            "agent-conversations: dev-agent-conversations / agent-conversations-index, in no "
            "particular order (no sort key)",
        ),
    ],
)
def test_the_title_names_the_order_only_when_there_is_one(dev_tables, argv, title, capsys):
    assert main(["query", *argv]) == 0
    assert capsys.readouterr().out.splitlines()[0] == title

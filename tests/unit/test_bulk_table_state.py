"""The bulk put starts only on a table DynamoDB will accept: every refusal is one line,
before anything is staged, and a state that changes in between is still named."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from botocore.exceptions import ClientError

from ddbctl.bulk.location import parse_location
from ddbctl.bulk.operation import StartSettings, start_bulk_put
from ddbctl.bulk.target import bulk_blocker, require_bulk_target
from ddbctl.errors import CliError

ACTIVE = {"TableName": "dev-t", "TableStatus": "ACTIVE"}


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"TableStatus": "CREATING"}, "is CREATING: the bulk put needs it ACTIVE"),
        ({"TableStatus": "ARCHIVED"}, "is ARCHIVED"),
        (
            {
                "TableStatus": "UPDATING",
                "GlobalSecondaryIndexes": [{"IndexName": "job-index", "IndexStatus": "CREATING"}],
            },
            "is creating index job-index",
        ),
        ({"RestoreSummary": {"RestoreInProgress": True}}, "is still being restored"),
        (
            {
                "TableStatus": "UPDATING",
                "Replicas": [{"RegionName": "us-east-1", "ReplicaStatus": "CREATING"}],
            },
            "is changing its replicas (us-east-1)",
        ),
    ],
)
def test_a_state_the_bulk_put_refuses_is_named_with_what_to_do(change, says):
    reason = bulk_blocker({**ACTIVE, **change})
    assert says in reason
    assert "wait until DescribeTable shows it ACTIVE, then run the same command again" in reason
    assert "\n" not in reason


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"TableStatus": "UPDATING"},  # a change that does not conflict, e.g. throughput
        {"GlobalSecondaryIndexes": [{"IndexName": "i", "IndexStatus": "ACTIVE"}]},
        {"RestoreSummary": {"RestoreInProgress": False}},
    ],
)
def test_an_active_table_or_a_harmless_update_is_accepted(change):
    assert bulk_blocker({**ACTIVE, **change}) is None


def test_the_target_check_refuses_before_anything_is_staged(stubbed):
    client, stubber = stubbed
    index = {"IndexName": "job-index", "IndexStatus": "CREATING"}
    building = {**ACTIVE, "GlobalSecondaryIndexes": [index]}
    stubber.add_response("describe_table", {"Table": building})
    with pytest.raises(CliError, match="is creating index job-index"):
        require_bulk_target(client, "dev-t", where="the target")


def start(client):
    return start_bulk_put(
        client,
        table_name="dev-t",
        input_bucket="staging",
        input_prefix="p/data/",
        reports=parse_location("s3://staging/p"),
        client_token="t",
        settings=StartSettings(),
    )


def test_a_refusal_from_the_service_is_explained_by_the_tables_state_now(stubbed):
    client, stubber = stubbed
    stubber.add_client_error("start_bulk_put_items", service_error_code="ResourceInUseException")
    restoring = {
        **ACTIVE,
        "RestoreSummary": {"RestoreInProgress": True, "RestoreDateTime": datetime.now(UTC)},
    }
    stubber.add_response("describe_table", {"Table": restoring})
    with pytest.raises(CliError, match="still being restored"):
        start(client)


def test_a_refusal_with_the_table_fine_keeps_its_own_message(stubbed):
    client, stubber = stubbed
    stubber.add_client_error("start_bulk_put_items", service_error_code="ResourceInUseException")
    stubber.add_response("describe_table", {"Table": ACTIVE})
    with pytest.raises(CliError, match="wait for the running operations"):
        start(client)
    stubber.add_client_error("start_bulk_put_items", service_error_code="ValidationException")
    stubber.add_response("describe_table", {"Table": ACTIVE})
    with pytest.raises(ClientError, match="ValidationException"):
        start(client)

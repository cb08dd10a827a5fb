"""The seeder's retries of UnprocessedItems, proven with botocore's Stubber.

moto and DynamoDB Local never return UnprocessedItems, so the throttled path
is scripted here, through the same ``upsert``/``remove`` the handler calls.
"""

from __future__ import annotations

import pytest
from botocore.stub import Stubber

from ddbio import BackoffPolicy, UnprocessedItemsError
from ddbio.seeding import (
    SeedingStoppedError,
    SeedTable,
    build_properties,
    handle_event,
    remove,
    upsert,
)

TABLE = "dev-agent-profiles"


def item(i: int) -> dict:
    return {"id": {"S": f"agent-{i}"}, "job": {"S": "plumber"}}


def puts(items: list[dict]) -> list[dict]:
    return [{"PutRequest": {"Item": i}} for i in items]


def recording_policy(max_attempts: int = 4):
    delays: list[float] = []
    policy = BackoffPolicy(
        max_attempts=max_attempts,
        base_delay=0.1,
        max_delay=0.3,
        sleep=delays.append,
        jitter=lambda: 1.0,
    )
    return delays, policy


def expect_describe(stubber: Stubber) -> None:
    table = {
        "TableName": TABLE,
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    }
    stubber.add_response("describe_table", {"Table": table}, {"TableName": TABLE})


def test_unprocessed_puts_are_resent_with_capped_exponential_backoff(stubbed):
    client, stubber = stubbed
    items = [item(i) for i in range(30)]  # two batches: 25 + 5
    first, second = puts(items[:25]), puts(items[25:])
    expect_describe(stubber)
    stubber.add_response(
        "batch_write_item",
        {"UnprocessedItems": {TABLE: first[20:]}},
        {"RequestItems": {TABLE: first}},
    )
    stubber.add_response(
        "batch_write_item",
        {"UnprocessedItems": {TABLE: first[24:]}},
        {"RequestItems": {TABLE: first[20:]}},
    )
    stubber.add_response(
        "batch_write_item", {"UnprocessedItems": {}}, {"RequestItems": {TABLE: first[24:]}}
    )
    stubber.add_response(
        "batch_write_item", {"UnprocessedItems": {}}, {"RequestItems": {TABLE: second}}
    )
    delays, policy = recording_policy()
    table = SeedTable("agent-profiles", TABLE, ("id",), tuple(items))
    assert upsert(client, [table], policy=policy) == {TABLE: 30}
    assert delays == [0.2, 0.3]  # 0.1 * 2**1, then 0.1 * 2**2 capped at 0.3


def test_unprocessed_deletes_are_resent_too(stubbed):
    client, stubber = stubbed
    deletes = [{"DeleteRequest": {"Key": {"id": {"S": "agent-1"}}}}]
    stubber.add_response("batch_write_item", {"UnprocessedItems": {TABLE: deletes}})
    stubber.add_response(
        "batch_write_item", {"UnprocessedItems": {}}, {"RequestItems": {TABLE: deletes}}
    )
    delays, policy = recording_policy()
    assert remove(client, {TABLE: [{"id": {"S": "agent-1"}}]}, policy=policy) == {TABLE: 1}
    assert delays == [0.2]


def test_still_unprocessed_after_the_retries_raises_a_clear_error(stubbed):
    client, stubber = stubbed
    items = [item(1), item(2)]
    expect_describe(stubber)
    for _ in range(3):
        stubber.add_response("batch_write_item", {"UnprocessedItems": {TABLE: puts(items[1:])}})
    delays, policy = recording_policy(max_attempts=3)
    table = SeedTable("agent-profiles", TABLE, ("id",), tuple(items))
    with pytest.raises(SeedingStoppedError) as caught:
        upsert(client, [table], policy=policy)
    assert str(caught.value) == (
        f"seeding stopped at {TABLE}: 1 item(s) still unprocessed in {TABLE} after 3 "
        "attempts; the table is throttling: retry later or raise its capacity; written "
        f"before it stopped: {TABLE} (1 item(s)); fix the cause and seed again (it is idempotent)"
    )
    assert isinstance(caught.value.__cause__, UnprocessedItemsError)
    assert caught.value.__cause__.unprocessed == puts(items[1:])
    assert delays == [0.2, 0.3]


def test_the_handler_lets_the_error_through_so_the_deploy_fails(stubbed):
    client, stubber = stubbed
    properties = build_properties(
        table_names={"agent-profiles": TABLE},
        samples={"agent-profiles": ({"id": "agent-1", "job": "plumber"},)},
    )
    expect_describe(stubber)
    unprocessed = [{"PutRequest": {"Item": {"id": {"S": "agent-1"}, "job": {"S": "plumber"}}}}]
    for _ in range(2):
        stubber.add_response("batch_write_item", {"UnprocessedItems": {TABLE: unprocessed}})
    _, policy = recording_policy(max_attempts=2)
    with pytest.raises(SeedingStoppedError, match="still unprocessed in dev-agent-profiles"):
        handle_event(
            {"RequestType": "Create", "ResourceProperties": properties},
            client=client,
            policy=policy,
        )

"""BatchWriteItem retries, proven with botocore's Stubber (moto never throttles)."""

from __future__ import annotations

import pytest

from ddbio import BackoffPolicy, UnprocessedItemsError, chunked, retry_config, write_batch

TABLE = "dev-agent-profiles"


def put(i: int) -> dict:
    return {"PutRequest": {"Item": {"id": {"S": f"agent-{i}"}}}}


def recorder():
    delays: list[float] = []
    return delays, BackoffPolicy(
        max_attempts=4, base_delay=0.1, max_delay=0.3, sleep=delays.append, jitter=lambda: 1.0
    )


def test_unprocessed_items_are_resent_with_capped_exponential_backoff(stubbed):
    client, stubber = stubbed
    batch = [put(i) for i in range(3)]
    stubber.add_response(
        "batch_write_item",
        {"UnprocessedItems": {TABLE: batch[1:]}},
        {"RequestItems": {TABLE: batch}},
    )
    stubber.add_response(
        "batch_write_item",
        {"UnprocessedItems": {TABLE: batch[2:]}},
        {"RequestItems": {TABLE: batch[1:]}},
    )
    stubber.add_response(
        "batch_write_item", {"UnprocessedItems": {}}, {"RequestItems": {TABLE: batch[2:]}}
    )
    delays, policy = recorder()
    assert write_batch(client, TABLE, batch, policy=policy) == 3
    assert delays == [0.2, 0.3]  # 0.1*2**1, then 0.1*2**2 capped at 0.3


def test_jitter_scales_the_delay():
    policy = BackoffPolicy(base_delay=1.0, max_delay=100.0, jitter=lambda: 0.25)
    assert policy.delay(3) == 2.0


def test_still_unprocessed_after_the_last_attempt_raises_with_the_items(stubbed):
    client, stubber = stubbed
    batch = [put(i) for i in range(2)]
    for _ in range(4):
        stubber.add_response("batch_write_item", {"UnprocessedItems": {TABLE: batch[1:]}})
    delays, policy = recorder()
    with pytest.raises(UnprocessedItemsError) as caught:
        write_batch(client, TABLE, batch, policy=policy)
    assert caught.value.unprocessed == batch[1:]
    assert caught.value.attempts == 4
    assert len(delays) == 3
    assert str(caught.value) == (
        f"1 item(s) still unprocessed in {TABLE} after 4 attempts; the table is throttling: "
        "retry later or raise its capacity"
    )


def test_throttling_error_propagates_to_the_caller(stubbed):
    client, stubber = stubbed
    stubber.add_client_error(
        "batch_write_item", service_error_code="ProvisionedThroughputExceededException"
    )
    with pytest.raises(client.exceptions.ProvisionedThroughputExceededException):
        write_batch(client, TABLE, [put(1)])


def test_more_than_25_requests_is_refused():
    with pytest.raises(ValueError, match="at most 25"):
        write_batch(object(), TABLE, [put(i) for i in range(26)])


def test_chunked_splits_into_batches_of_25():
    sizes = [len(batch) for batch in chunked(range(60))]
    assert sizes == [25, 25, 10]
    assert list(chunked([])) == []


def test_clients_use_standard_retries():
    config = retry_config()
    assert config.retries == {"mode": "standard", "max_attempts": 10}


def test_bulk_writers_can_skip_client_side_parameter_validation():
    assert retry_config().parameter_validation is True
    config = retry_config(parameter_validation=False, pool=8)
    assert (config.parameter_validation, config.max_pool_connections) == (False, 8)
    assert config.retries["mode"] == "standard"

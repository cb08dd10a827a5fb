"""The seeder deletes only keys it can vouch for, reads everything before its first
write, and never leaves a partial write unreported (issue 14, items 4 and 9)."""

from __future__ import annotations

import copy
import logging

import pytest
from botocore.exceptions import ClientError

import catalog
from catalog.samples import SAMPLES, SampleDataError
from ddbctl.table_definitions import create_table
from ddbio.seeding import (
    PROPERTY_HASH,
    PROPERTY_TABLES,
    SeedingError,
    SeedingStoppedError,
    SeedTable,
    handle_event,
    sample_data_hash,
    upsert,
)
from tests.unit.test_seeder_handler import (
    OPPORTUNITIES,
    REQUESTS,
    TOTAL,
    contents,
    event,
    properties,
)


def rehashed(props: dict) -> dict:
    """Properties edited with their hash recomputed: only shape checks can catch these."""
    props[PROPERTY_HASH] = sample_data_hash(props[PROPERTY_TABLES])
    return props


def entry(props: dict, table_key: str) -> dict:
    return next(t for t in props[PROPERTY_TABLES] if t["Table"] == table_key)


def seeded_count(client) -> int:
    return sum(len(items) for items in contents(client).values())


def test_delete_with_a_mismatched_hash_deletes_nothing_and_says_why(client, caplog):
    handle_event(event("Create", properties()), client=client)
    tampered = copy.deepcopy(properties())
    entry(tampered, "OpportunitySessions")["Items"][0]["title"] = {"S": "edited"}
    with caplog.at_level(logging.WARNING, logger="ddbio.seeding"):
        response = handle_event(event("Delete", tampered, PhysicalResourceId="x"), client=client)
    assert response["Data"] == {"ItemsWritten": 0, "ItemsDeleted": 0}
    assert seeded_count(client) == TOTAL
    assert "does not match its SampleDataHash: nothing deleted" in caplog.text


def test_the_rollback_of_a_tampered_create_deletes_nothing(client):
    """A tampered Create fails; CloudFormation's rollback then sends a Delete with the same
    tampered properties. The keys it names are not ones the seeder can vouch for."""
    handle_event(event("Create", properties()), client=client)
    tampered = copy.deepcopy(properties())
    entry(tampered, "market_intelligence_requests")["TableName"] = OPPORTUNITIES
    with pytest.raises(SeedingError, match="does not match its SampleDataHash"):
        handle_event(event("Create", tampered), client=client)
    handle_event(event("Delete", tampered, PhysicalResourceId="sample-data"), client=client)
    assert seeded_count(client) == TOTAL


def test_delete_skips_an_item_missing_its_key_and_deletes_the_rest(client, caplog):
    handle_event(event("Create", properties()), client=client)
    props = copy.deepcopy(properties())
    del entry(props, "OpportunitySessions")["Items"][0]["opportunityId"]
    with caplog.at_level(logging.WARNING, logger="ddbio.seeding"):
        response = handle_event(event("Delete", rehashed(props)), client=client)
    assert response["Data"]["ItemsDeleted"] == TOTAL - 1
    assert len(contents(client)[OPPORTUNITIES]) == 1
    assert f"{OPPORTUNITIES} item 0 has no readable key" in caplog.text


@pytest.mark.parametrize("key_attributes", ["request_id", None, [1]], ids=["string", "null", "int"])
def test_delete_leaves_a_table_whose_key_attributes_are_unreadable(client, key_attributes):
    handle_event(event("Create", properties()), client=client)
    props = copy.deepcopy(properties())
    entry(props, "market_intelligence_requests")["KeyAttributes"] = key_attributes
    response = handle_event(event("Delete", rehashed(props)), client=client)
    kept = len(SAMPLES["market_intelligence_requests"])
    assert response["Data"]["ItemsDeleted"] == TOTAL - kept
    assert len(contents(client)[REQUESTS]) == kept


@pytest.mark.parametrize(
    "garbled",
    [None, [], {"Tables": [1, "x"]}, {"Tables": [{"Items": "x"}], "SampleDataHash": 3}],
    ids=["none", "list", "entries", "items"],
)
def test_a_delete_of_unreadable_properties_never_fails(client, garbled):
    handle_event(event("Create", properties()), client=client)
    response = handle_event({"RequestType": "Delete", "ResourceProperties": garbled}, client=client)
    assert response["Data"] == {"ItemsWritten": 0, "ItemsDeleted": 0}
    assert seeded_count(client) == TOTAL


def test_update_with_an_unreadable_old_item_cleans_up_the_rest(client):
    old = copy.deepcopy(properties())
    handle_event(event("Create", properties()), client=client)
    extra = {**entry(old, "OpportunitySessions")["Items"][0], "opportunityId": {"S": "gone"}}
    keyless = {"sessionId": {"S": "no-sort-key"}}
    entry(old, "OpportunitySessions")["Items"] += [extra, keyless]
    client.put_item(TableName=OPPORTUNITIES, Item=extra)
    response = handle_event(event("Update", properties(), rehashed(old)), client=client)
    assert response["Data"] == {"ItemsWritten": TOTAL, "ItemsDeleted": 1}
    assert seeded_count(client) == TOTAL


def test_update_with_a_tampered_old_set_deletes_none_of_its_keys(client):
    handle_event(event("Create", properties()), client=client)
    old = copy.deepcopy(properties())
    item = {**entry(old, "OpportunitySessions")["Items"][0], "opportunityId": {"S": "real"}}
    entry(old, "OpportunitySessions")["Items"].append(item)  # hash not recomputed
    client.put_item(TableName=OPPORTUNITIES, Item=item)
    response = handle_event(event("Update", properties(), old), client=client)
    assert response["Data"]["ItemsDeleted"] == 0
    assert seeded_count(client) == TOTAL + 1


def test_update_checks_the_new_set_before_its_first_write(client):
    new = copy.deepcopy(properties())
    entry(new, "request_processing_logs")["Items"][0]["timestamp"] = {"N": "1"}
    with pytest.raises(SampleDataError, match="'timestamp' must be S"):
        handle_event(event("Update", rehashed(new), properties()), client=client)
    assert seeded_count(client) == 0


def test_new_key_attributes_that_differ_from_the_catalog_are_refused(client):
    new = copy.deepcopy(properties())
    entry(new, "OpportunitySessions")["KeyAttributes"] = ["sessionId"]
    with pytest.raises(SampleDataError, match="KeyAttributes \\['sessionId'\\] are not"):
        handle_event(event("Create", rehashed(new)), client=client)
    assert seeded_count(client) == 0


def test_a_table_with_another_key_schema_is_refused_before_any_write(client):
    spec = catalog.table("OpportunitySessions")
    client.delete_table(TableName=OPPORTUNITIES)
    client.create_table(
        TableName=OPPORTUNITIES,
        KeySchema=[{"AttributeName": "sessionId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "sessionId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    with pytest.raises(SeedingError) as caught:
        handle_event(event("Create", properties()), client=client)
    assert str(caught.value) == (
        f"cannot seed {OPPORTUNITIES}: its key is ['sessionId'], the catalog's is "
        f"{[spec.partition_key.name, spec.sort_key.name]}; it was created from another "
        "catalog: recreate it, or point table_names at the right table"
    )
    assert seeded_count(client) == 0  # not one table written before the check


def test_an_index_key_typed_otherwise_is_refused_before_any_write(client):
    spec = catalog.table("market_intelligence_requests")
    client.delete_table(TableName=REQUESTS)
    create_table(client, spec, table_name="template")
    described = client.describe_table(TableName="template")["Table"]
    client.create_table(
        TableName=REQUESTS,
        KeySchema=described["KeySchema"],
        AttributeDefinitions=[
            {**d, "AttributeType": "N"} if d["AttributeName"] == "user_id" else d
            for d in described["AttributeDefinitions"]
        ],
        GlobalSecondaryIndexes=[
            {key: index[key] for key in ("IndexName", "KeySchema", "Projection")}
            for index in described["GlobalSecondaryIndexes"]
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    with pytest.raises(SeedingError, match=f"cannot seed {REQUESTS}: it types 'user_id' as N"):
        handle_event(event("Create", properties()), client=client)
    assert sum(len(v) for k, v in contents(client).items() if k != "template") == 0


def test_a_write_failing_midway_names_what_was_written(stubbed):
    stub_client, stubber = stubbed
    first = SeedTable("agent-profiles", "a-table", ("id",), ({"id": {"S": "1"}},))
    second = SeedTable("agent-profiles", "b-table", ("id",), ({"id": {"S": "2"}},))
    third = SeedTable("agent-profiles", "c-table", ("id",), ({"id": {"S": "3"}},))
    for table in (first, second, third):
        description = {
            "TableName": table.table_name,
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        }
        stubber.add_response("describe_table", {"Table": description})
    stubber.add_response("batch_write_item", {"UnprocessedItems": {}})
    stubber.add_client_error(
        "batch_write_item", "ValidationException", "One or more parameter values were invalid"
    )
    with pytest.raises(SeedingStoppedError) as caught:
        upsert(stub_client, [first, second, third])
    message = str(caught.value)
    assert message.startswith("seeding stopped at b-table: An error occurred (ValidationException)")
    assert message.endswith(
        "written before it stopped: a-table (1 item(s)); fix the cause and seed again "
        "(it is idempotent)"
    )
    assert caught.value.written == {"a-table": 1}
    assert isinstance(caught.value.__cause__, ClientError)


def test_every_missing_table_is_named_at_once(client):
    client.delete_table(TableName=REQUESTS)
    client.delete_table(TableName=OPPORTUNITIES)
    with pytest.raises(SeedingError) as caught:
        handle_event(event("Create", properties()), client=client)
    message = str(caught.value)
    assert REQUESTS in message and OPPORTUNITIES in message
    assert message.endswith("(nothing written)")
    assert seeded_count(client) == 0

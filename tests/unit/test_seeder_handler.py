"""The seeder's custom-resource semantics, against moto's DynamoDB."""

from __future__ import annotations

import copy
import json

import pytest

import catalog
from catalog.samples import SAMPLES, SampleDataError
from ddbctl.table_definitions import create_table
from ddbio.seeding import (
    PROPERTY_HASH,
    PROPERTY_TABLES,
    SeedingError,
    build_properties,
    handle_event,
    sample_data_hash,
)
from settings import load_from_cdk_json

CONFIG = load_from_cdk_json("dev")
NAMES = {key: CONFIG.table_name(catalog.table(key)) for key in SAMPLES}
REQUESTS = NAMES["market_intelligence_requests"]
OPPORTUNITIES = NAMES["OpportunitySessions"]
TOTAL = sum(len(items) for items in SAMPLES.values())


def properties(samples=SAMPLES) -> dict:
    return build_properties(table_names=NAMES, samples=samples)


def event(request_type: str, new: dict, old: dict | None = None, **extra) -> dict:
    payload = {"RequestType": request_type, "ResourceProperties": new, **extra}
    if old is not None:
        payload["OldResourceProperties"] = old
    return payload


def contents(client) -> dict[str, list[str]]:
    """Every item of every table, canonicalised, so two states compare exactly."""
    state = {}
    for name in client.list_tables()["TableNames"]:
        items = []
        for page in client.get_paginator("scan").paginate(TableName=name):
            items += [json.dumps(item, sort_keys=True) for item in page["Items"]]
        state[name] = sorted(items)
    return state


def without(table_key: str, position: int) -> dict:
    samples = dict(SAMPLES)
    samples[table_key] = tuple(i for n, i in enumerate(SAMPLES[table_key]) if n != position)
    return samples


def test_create_seeds_every_sample_item(client):
    response = handle_event(event("Create", properties()), client=client)
    assert response == {
        "PhysicalResourceId": "sample-data",
        "Data": {"ItemsWritten": TOTAL, "ItemsDeleted": 0},
    }
    state = contents(client)
    assert {name: len(items) for name, items in state.items()} == {
        NAMES[key]: len(items) for key, items in SAMPLES.items()
    }


def test_running_create_twice_leaves_the_same_items(client):
    handle_event(event("Create", properties()), client=client)
    first = contents(client)
    handle_event(event("Create", properties()), client=client)
    assert contents(client) == first


def test_update_that_drops_an_item_deletes_it(client):
    old = properties()
    handle_event(event("Create", old), client=client)
    dropped = SAMPLES["OpportunitySessions"][1]
    new = properties(without("OpportunitySessions", 1))
    response = handle_event(
        event("Update", new, old, PhysicalResourceId="sample-data"), client=client
    )
    assert response["Data"] == {"ItemsWritten": TOTAL - 1, "ItemsDeleted": 1}
    assert response["PhysicalResourceId"] == "sample-data"
    key = {
        "sessionId": {"S": dropped["sessionId"]},
        "opportunityId": {"S": dropped["opportunityId"]},
    }
    assert "Item" not in client.get_item(TableName=OPPORTUNITIES, Key=key)
    assert len(contents(client)[OPPORTUNITIES]) == len(SAMPLES["OpportunitySessions"]) - 1


def test_update_rewrites_changed_items_and_deletes_nothing(client):
    old = properties()
    handle_event(event("Create", old), client=client)
    changed = dict(SAMPLES)
    request = {**SAMPLES["market_intelligence_requests"][0], "status": "processing"}
    changed["market_intelligence_requests"] = (request,)
    new = properties(changed)
    assert new[PROPERTY_HASH] != old[PROPERTY_HASH]
    response = handle_event(event("Update", new, old), client=client)
    assert response["Data"]["ItemsDeleted"] == 0
    item = client.get_item(TableName=REQUESTS, Key={"request_id": {"S": request["request_id"]}})
    assert item["Item"]["status"] == {"S": "processing"}


def test_delete_leaves_non_seeded_items_alone(client):
    seeded = properties()
    handle_event(event("Create", seeded), client=client)
    session = SAMPLES["OpportunitySessions"][0]["sessionId"]
    ours = {"sessionId": {"S": session}, "opportunityId": {"S": "not-a-sample"}}
    client.put_item(TableName=OPPORTUNITIES, Item=ours)
    client.put_item(TableName=REQUESTS, Item={"request_id": {"S": "req_real_user_1"}})
    response = handle_event(
        event("Delete", seeded, PhysicalResourceId="sample-data"), client=client
    )
    assert response["Data"] == {"ItemsWritten": 0, "ItemsDeleted": TOTAL}
    state = contents(client)
    assert state[OPPORTUNITIES] == [json.dumps(ours, sort_keys=True)]
    assert state[REQUESTS] == [json.dumps({"request_id": {"S": "req_real_user_1"}})]
    assert sum(len(items) for items in state.values()) == 2


def test_delete_succeeds_when_a_table_is_already_gone(client):
    seeded = properties()
    handle_event(event("Create", seeded), client=client)
    client.delete_table(TableName=REQUESTS)
    response = handle_event(
        event("Delete", seeded, PhysicalResourceId="sample-data"), client=client
    )
    assert response["Data"]["ItemsDeleted"] == TOTAL - 1
    assert all(items == [] for items in contents(client).values())


def test_delete_of_a_failed_create_succeeds_with_no_tables_at_all(client):
    for name in client.list_tables()["TableNames"]:
        client.delete_table(TableName=name)
    response = handle_event(event("Delete", properties(), PhysicalResourceId="x"), client=client)
    assert response == {"PhysicalResourceId": "x", "Data": {"ItemsWritten": 0, "ItemsDeleted": 0}}


def test_missing_table_fails_with_a_reason_naming_table_and_fix(client):
    logs = NAMES["request_processing_logs"]
    client.delete_table(TableName=logs)
    with pytest.raises(SeedingError) as caught:
        handle_event(event("Create", properties()), client=client)
    # The Provider framework reports this message to CloudFormation as the FAILED reason.
    assert str(caught.value) == (
        f"cannot seed {logs}: the table does not exist in us-east-1; deploy the environment's "
        "stack (`cdk deploy --context env=<env>`), or create the local tables, first, then "
        "seed again"
    )
    assert all(items == [] for items in contents(client).values()), "nothing half-written"


def stringify_scalars(value):
    """What CloudFormation does to custom-resource properties: every scalar a string."""
    if isinstance(value, dict):
        return {key: stringify_scalars(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [stringify_scalars(inner) for inner in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def test_cloudformation_stringified_properties_seed_the_original_types(client):
    handle_event(event("Create", stringify_scalars(properties())), client=client)
    item = client.get_item(
        TableName=REQUESTS, Key={"request_id": {"S": "req_1757412789250_a08ac7ad"}}
    )["Item"]
    assert item["processing_metadata"]["M"]["test_run"] == {"BOOL": True}
    assert item["status_message"] == {"NULL": True}
    assert item["config"]["M"]["quality_threshold"] == {"N": "0.7"}


def test_data_edited_after_synth_is_refused(client):
    tampered = copy.deepcopy(properties())
    tampered[PROPERTY_TABLES][0]["Items"][0]["title"] = {"S": "edited in the console"}
    with pytest.raises(SeedingError, match="does not match its SampleDataHash"):
        handle_event(event("Create", tampered), client=client)


def test_items_that_do_not_fit_the_catalog_are_refused_at_seeding_time(client):
    broken = copy.deepcopy(properties())
    table = next(t for t in broken[PROPERTY_TABLES] if t["Table"] == "OpportunitySessions")
    table["Items"][0]["estimatedARR"] = {"S": "a lot"}
    broken[PROPERTY_HASH] = sample_data_hash(broken[PROPERTY_TABLES])
    with pytest.raises(SampleDataError) as caught:
        handle_event(event("Create", broken), client=client)
    assert f"{OPPORTUNITIES}[0]: 'estimatedARR' must be N (int or Decimal), got str" in str(
        caught.value
    )
    assert contents(client)[OPPORTUNITIES] == []


def test_unknown_request_type_is_refused(client):
    with pytest.raises(SeedingError, match="unknown RequestType 'Replace'"):
        handle_event(event("Replace", properties()), client=client)


def test_build_properties_refuses_data_that_does_not_fit():
    bad = {**SAMPLES, "OpportunitySessions": ({**SAMPLES["OpportunitySessions"][0], "ttl": 1.5},)}
    with pytest.raises(SampleDataError, match=r"item\.ttl is a float"):
        properties(bad)


def test_properties_are_deterministic_and_hash_the_tables():
    first, second = properties(), properties()
    assert first == second
    assert first[PROPERTY_HASH] == sample_data_hash(first[PROPERTY_TABLES])
    assert json.dumps(first)  # plain JSON: nothing CloudFormation cannot carry


def test_an_update_leaves_a_table_that_left_the_sample_set_alone(client):
    """After a `table_names` rename the role reaches only the new name: deleting the old
    set's keys there would fail the deploy (and its rollback)."""
    old = properties()
    handle_event(event("Create", old), client=client)
    renamed = {**NAMES, "agent-profiles": "agent-profiles-adopted"}
    create_table(client, catalog.table("agent-profiles"), table_name="agent-profiles-adopted")
    new = build_properties(table_names=renamed)
    calls = []
    client.meta.events.register(
        "provide-client-params.dynamodb.BatchWriteItem",
        lambda params, **_: calls.append(list(params["RequestItems"])),
    )
    response = handle_event(event("Update", new, old), client=client)
    assert response["Data"]["ItemsDeleted"] == 0
    assert ["agent-profiles-adopted"] in calls  # the hook sees the writes...
    assert ["dev-agent-profiles"] not in calls  # ...and none went here: the role may not
    assert len(contents(client)["agent-profiles-adopted"]) == len(SAMPLES["agent-profiles"])


@pytest.mark.parametrize(
    "old", [{"Tables": [{"Table": "x"}]}, {"Tables": "not a list"}], ids=["older", "garbled"]
)
def test_old_properties_in_another_format_mean_nothing_to_clean_up(old, client):
    new = properties()
    response = handle_event(event("Update", new, old), client=client)
    assert response["Data"] == {"ItemsWritten": TOTAL, "ItemsDeleted": 0}


def test_new_properties_in_another_format_are_one_clear_reason(client):
    with pytest.raises(SeedingError, match="not in the format this seeder reads"):
        handle_event(event("Create", {"Tables": [{"Table": "x"}]}), client=client)
    # ... but a Delete never blocks the stack's deletion over them.
    response = handle_event(event("Delete", {"Tables": "garbled"}), client=client)
    assert response["Data"] == {"ItemsWritten": 0, "ItemsDeleted": 0}

"""The request fields moto ignores, and the retry paths it never takes, under Stubber.

RestoreDateTime, SSESpecificationOverride and GlobalSecondaryIndexOverride are
checked as DynamoDB receives them; throttling, UnprocessedItems and
ConditionalCheckFailed are answered by the stub, never by a server.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

import catalog
from ddbctl.errors import CliError
from ddbctl.recovery.copy import ONLY_MISSING, OVERWRITE, CopyJob, scan_copy, with_backoff
from ddbctl.recovery.copy_checkpoint import CopyCheckpoint
from ddbctl.recovery.encryption import resolve_key_arn
from ddbctl.recovery.point import BACKUP, LATEST, TIME, RestorePoint, check_point
from ddbctl.recovery.request import RestorePlan, restore_parameters
from ddbctl.recovery.restore import start_restore
from ddbio.batch_writer import BackoffPolicy
from settings import load_from_cdk_json

KEY = "arn:aws:kms:us-east-1:111111111111:key/11111111-2222-3333-4444-555555555555"
WHEN = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
TABLE_DESCRIPTION = {"TableDescription": {"TableName": "restored"}}
SSE = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": KEY}


def index_override(name: str, hash_key: str, range_key: str | None = None) -> dict[str, Any]:
    """One GSI as an on-demand restore request carries it: its key schema, ALL projected."""
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key is not None:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return {"IndexName": name, "KeySchema": schema, "Projection": {"ProjectionType": "ALL"}}


def restore_request(plan: RestorePlan, gsis: list[dict[str, Any]], **point: Any) -> dict[str, Any]:
    """The request DynamoDB must receive for ``plan``: an on-demand restore into its target
    under the CMK; ``point`` is what names the source (its name and the time, or BackupArn)."""
    return {
        **point,
        "TargetTableName": plan.target_name,
        "BillingModeOverride": "PAY_PER_REQUEST",
        "SSESpecificationOverride": SSE,
        "GlobalSecondaryIndexOverride": gsis,
    }


def _plan(key: str, env: str, point: RestorePoint) -> RestorePlan:
    spec = catalog.table(key)
    config = load_from_cdk_json(env)
    source = config.table_name(spec)
    return RestorePlan(
        spec=spec,
        config=config,
        source_name=source,
        target_name=f"{source}-restored-t",
        point=point,
        kms_key_arn=KEY,
    )


def test_point_in_time_request_carries_time_key_billing_and_every_gsi(stubbed):
    client, stubber = stubbed
    plan = _plan("OpportunitySessions", "dev", RestorePoint(kind=TIME, time=WHEN))
    gsis = [
        index_override("StatusIndex", "status", "updatedAt"),
        index_override("PriorityIndex", "priority", "estimatedARR"),
        index_override("OpportunityIdIndex", "opportunityId"),
    ]
    request = restore_request(plan, gsis, SourceTableName=plan.source_name, RestoreDateTime=WHEN)
    stubber.add_response("restore_table_to_point_in_time", TABLE_DESCRIPTION, request)
    start_restore(client, plan)


def test_prod_restores_the_agent_tables_provisioned_with_index_throughput():
    spec = catalog.table("agent-profiles")
    _, parameters = restore_parameters(_plan("agent-profiles", "prod", RestorePoint(kind=LATEST)))
    config = load_from_cdk_json("prod")
    if not config.provisioned_capacity:
        assert parameters["BillingModeOverride"] == "PAY_PER_REQUEST"
        assert "ProvisionedThroughputOverride" not in parameters
        return
    capacity = spec.provisioned
    assert parameters["BillingModeOverride"] == "PROVISIONED"
    assert parameters["ProvisionedThroughputOverride"] == {
        "ReadCapacityUnits": capacity.table.read,
        "WriteCapacityUnits": capacity.table.write,
    }
    assert all("ProvisionedThroughput" in g for g in parameters["GlobalSecondaryIndexOverride"])


def test_latest_and_backup_requests(stubbed):
    client, stubber = stubbed
    conversations = [index_override("agent-conversations-index", "agent_id")]
    latest = _plan("agent-conversations", "staging", RestorePoint(kind=LATEST))
    request = restore_request(
        latest, conversations, SourceTableName=latest.source_name, UseLatestRestorableTime=True
    )
    stubber.add_response("restore_table_to_point_in_time", TABLE_DESCRIPTION, request)
    start_restore(client, latest)
    arn = "arn:aws:dynamodb:us-east-1:111111111111:table/dev-agent-conversations/backup/0176-ab"
    backup = _plan("agent-conversations", "dev", RestorePoint(BACKUP, None, arn))
    request = restore_request(backup, conversations, BackupArn=arn)
    stubber.add_response("restore_table_from_backup", TABLE_DESCRIPTION, request)
    start_restore(client, backup)


def test_a_table_without_indexes_sends_no_index_override():
    plan = _plan("ai-trade-matching-processing-status", "dev", RestorePoint(kind=LATEST))
    _, parameters = restore_parameters(plan)
    assert "GlobalSecondaryIndexOverride" not in parameters


def test_a_target_created_meanwhile_is_one_line(stubbed):
    client, stubber = stubbed
    stubber.add_client_error("restore_table_to_point_in_time", "TableAlreadyExistsException")
    with pytest.raises(CliError, match=r"^table dev-agent-profiles-restored-t already exists"):
        start_restore(client, _plan("agent-profiles", "dev", RestorePoint(kind=LATEST)))


def test_an_aws_backup_recovery_point_is_refused_with_the_way_to_restore_it(stubbed):
    client, _ = stubbed
    arn = "arn:aws:backup:us-east-1:111111111111:recovery-point:abc"
    with pytest.raises(CliError, match="restore an AWS Backup recovery point with AWS Backup"):
        check_point(client, source_name="dev-x", point=RestorePoint(BACKUP, None, arn))


def test_window_edges_are_inside(stubbed):
    client, stubber = stubbed
    window = {
        "ContinuousBackupsDescription": {
            "ContinuousBackupsStatus": "ENABLED",
            "PointInTimeRecoveryDescription": {
                "PointInTimeRecoveryStatus": "ENABLED",
                "EarliestRestorableDateTime": WHEN,
                "LatestRestorableDateTime": WHEN,
            },
        }
    }
    stubber.add_response("describe_continuous_backups", window, {"TableName": "t"})
    check_point(client, source_name="t", point=RestorePoint(kind=TIME, time=WHEN))


def test_the_key_is_found_through_the_alias_or_named_in_one_line():
    kms = boto3.client("kms", region_name="us-east-1")
    with Stubber(kms) as stubber:
        stubber.add_response(
            "describe_key",
            {"KeyMetadata": {"KeyId": "k", "Arn": KEY}},
            {"KeyId": "alias/prod-dynamodb-data"},
        )
        assert resolve_key_arn(kms, environment="prod", given=None) == KEY
        stubber.add_client_error("describe_key", "NotFoundException", "Alias not found")
        with pytest.raises(CliError, match=r"through alias/dev-dynamodb-data .*pass its ARN with"):
            resolve_key_arn(kms, environment="dev", given=None)
    assert resolve_key_arn(kms, environment="dev", given="arn:given") == "arn:given"


# ------------------------------------------------------------------ copy retries

FAST = BackoffPolicy(max_attempts=3, sleep=lambda _s: None, jitter=lambda: 1.0)
KEYS = {
    "Table": {
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "TableName": "src",
    }
}


def _item(n: int) -> dict:
    return {"id": {"S": f"i{n}"}, "v": {"N": str(n)}}


def _job(client, tmp_path: Path, mode: str) -> CopyJob:
    path = tmp_path / "copy.json"
    return CopyJob(
        client=client,
        source="src",
        target="dst",
        mode=mode,
        hash_key="id",
        checkpoint=CopyCheckpoint.fresh(source="src", target="dst", mode=mode, segments=1),
        checkpoint_path=path,
        failures_path=tmp_path / "copy.failed.jsonl",
        policy=FAST,
    )


def test_unprocessed_items_are_resent_and_what_is_left_is_counted_failed(stubbed, tmp_path):
    client, stubber = stubbed
    stubber.add_response("describe_table", KEYS, {"TableName": "src"})
    page = [_item(n) for n in range(3)]
    stubber.add_response(
        "scan", {"Items": page}, {"TableName": "src", "Segment": 0, "TotalSegments": 1}
    )
    put = lambda items: [{"PutRequest": {"Item": i}} for i in items]  # noqa: E731
    stubber.add_response(
        "batch_write_item",
        {"UnprocessedItems": {"dst": put(page[1:])}},
        {"RequestItems": {"dst": put(page)}},
    )
    stubber.add_client_error("batch_write_item", "ProvisionedThroughputExceededException")
    stubber.add_response(
        "batch_write_item",
        {"UnprocessedItems": {"dst": put(page[2:])}},
        {"RequestItems": {"dst": put(page[1:])}},
    )
    stubber.add_response(
        "batch_write_item",
        {"UnprocessedItems": {"dst": put(page[2:])}},
        {"RequestItems": {"dst": put(page[2:])}},
    )
    totals = scan_copy(_job(client, tmp_path, OVERWRITE))
    assert totals == {"scanned": 3, "written": 2, "skipped": 0, "failed": 1}
    assert '"i2"' in (tmp_path / "copy.failed.jsonl").read_text()


def test_only_missing_counts_a_failed_condition_as_skipped_and_retries_throttling(
    stubbed, tmp_path
):
    client, stubber = stubbed
    stubber.add_response("describe_table", KEYS, {"TableName": "src"})
    stubber.add_response(
        "scan",
        {"Items": [_item(1), _item(2)]},
        {"TableName": "src", "Segment": 0, "TotalSegments": 1},
    )
    conditional = {
        "TableName": "dst",
        "ConditionExpression": "attribute_not_exists(#h)",
        "ExpressionAttributeNames": {"#h": "id"},
    }
    stubber.add_client_error(
        "put_item",
        "ConditionalCheckFailedException",
        expected_params={**conditional, "Item": _item(1)},
    )
    stubber.add_client_error(
        "put_item", "ThrottlingException", expected_params={**conditional, "Item": _item(2)}
    )
    stubber.add_response("put_item", {}, {**conditional, "Item": _item(2)})
    totals = scan_copy(_job(client, tmp_path, ONLY_MISSING))
    assert totals == {"scanned": 2, "written": 1, "skipped": 1, "failed": 0}
    saved = CopyCheckpoint.load(tmp_path / "copy.json")
    assert saved is not None and saved.complete


def test_backoff_gives_up_after_its_attempts_and_waits_with_jitter():
    delays: list[float] = []
    policy = BackoffPolicy(max_attempts=3, sleep=delays.append, jitter=lambda: 0.5)
    from botocore.exceptions import ClientError

    def throttled():
        raise ClientError({"Error": {"Code": "ThrottlingException"}}, "Scan")

    with pytest.raises(ClientError):
        with_backoff(throttled, policy)
    assert delays == [policy.delay(1), policy.delay(2)] and all(d > 0 for d in delays)


def test_settings_wait_out_enabling_and_a_pitr_that_is_not_ready_yet(stubbed):
    from ddbctl.environment_tables import expected_tags
    from ddbctl.recovery.settings import reapply_settings

    client, stubber = stubbed
    spec = catalog.table("market_intelligence_requests")
    config = load_from_cdk_json("prod")
    name = "prod-market_intelligence_requests-restored-t"
    arn = f"arn:aws:dynamodb:us-east-1:333333333333:table/{name}"
    stubber.add_response(
        "describe_table",
        {
            "Table": {
                "TableName": name,
                "TableArn": arn,
                "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
                "DeletionProtectionEnabled": False,
            }
        },
        {"TableName": name},
    )
    stubber.add_response(
        "update_time_to_live",
        {},
        {
            "TableName": name,
            "TimeToLiveSpecification": {"Enabled": True, "AttributeName": spec.ttl_attribute},
        },
    )
    for status in ("ENABLING", "ENABLED"):
        stubber.add_response(
            "describe_time_to_live",
            {"TimeToLiveDescription": {"TimeToLiveStatus": status}},
            {"TableName": name},
        )
    pitr = {
        "TableName": name,
        "PointInTimeRecoverySpecification": {
            "PointInTimeRecoveryEnabled": True,
            "RecoveryPeriodInDays": config.pitr_recovery_days,
        },
    }
    stubber.add_client_error(
        "update_continuous_backups", "ContinuousBackupsUnavailableException", expected_params=pitr
    )
    stubber.add_response(
        "update_continuous_backups",
        {"ContinuousBackupsDescription": {"ContinuousBackupsStatus": "ENABLED"}},
        pitr,
    )
    stubber.add_response("update_table", {}, {"TableName": name, "DeletionProtectionEnabled": True})
    tags = {**expected_tags(spec, config), "RestoredFrom": "prod-market_intelligence_requests"}
    stubber.add_response(
        "tag_resource",
        {},
        {"ResourceArn": arn, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]},
    )
    done = reapply_settings(
        client,
        spec=spec,
        config=config,
        table_name=name,
        source_name="prod-market_intelligence_requests",
        poll_seconds=0,
    )
    assert done == [
        "TTL on ttl",
        f"PITR {config.pitr_recovery_days} days",
        "deletion protection on",
        f"{len(tags)} tags",
    ]


def test_a_lock_that_disagrees_with_the_catalog_is_named():
    from ddbctl.recovery.adopt import lock_differences
    from schema_lock.identity import KeyPart, TableIdentity

    spec = catalog.table("agent-profiles")
    identity = TableIdentity(
        stack="dev-data-layer",
        logical_id="AgentProfilesTable",
        resource_type="AWS::DynamoDB::GlobalTable",
        table_name="dev-agent-profiles",
        keys=(KeyPart("id", "HASH", "S"),),
        local_indexes=(),
        global_indexes=(),
        ttl=None,
    )
    assert lock_differences(identity, spec) == [
        "indexes [], catalog ['job-index', 'location-index']"
    ]

"""``ddbctl verify`` passes a correct environment and catches each kind of drift (moto)."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from moto import mock_aws

import catalog
from ddbctl.cli import main
from ddbctl.environment_tables import create_environment_tables, enable_pitr
from ddbctl.table_definitions import TableOptions, create_table
from ddbctl.verification import TableReport, _check_sse, round_trip_key, verify_table
from settings import load_from_cdk_json

BOTH = pytest.mark.parametrize("deployed", ["dev", "prod"], indirect=True)


@pytest.fixture
def deployed(request, moto_client):
    """A "correct" environment in moto: tables, TTL, PITR, SSE-KMS, tags, protection.

    dev unless a test asks for both (prod differs in billing and deletion protection)."""
    config = load_from_cdk_json(getattr(request, "param", "dev"))
    with mock_aws():
        client = (
            moto_client
            if moto_client.meta.region_name == config.region
            else boto3.client("dynamodb", region_name=config.region)
        )
        create_environment_tables(client, config)
        yield client, config


def verify(capsys, config, *flags: str) -> tuple[int, dict]:
    code = main(["verify", "--env", config.name, "--json", *flags])
    return code, json.loads(capsys.readouterr().out)


def statuses(document: dict, table_name: str) -> dict[str, str]:
    table = next(t for t in document["tables"] if t["table_name"] == table_name)
    return {check["check"]: check["status"] for check in table["checks"]}


def failures(document: dict) -> list[tuple[str, str]]:
    return [
        (table["table_name"], check["check"])
        for table in document["tables"]
        for check in table["checks"]
        if check["status"] == "fail"
    ]


@BOTH
def test_a_correct_environment_passes_everything(deployed, capsys):
    client, config = deployed
    code, document = verify(capsys, config)
    assert code == 0
    assert document["ok"] is True
    assert set(document["totals"]) == {"pass"}  # moto supports every check
    every = {c["check"] for t in document["tables"] for c in t["checks"]}
    assert {"table", "billing", "key schema", "ttl", "pitr", "sse kms", "tags"} <= every
    assert {"deletion protection", "round trip", "index user-index"} <= every
    for spec in catalog.TABLES:  # the round trip left nothing behind
        assert client.scan(TableName=config.table_name(spec))["Count"] == 0


@BOTH
def test_text_output_and_read_only(deployed, capsys):
    _, config = deployed
    assert main(["verify", "--env", config.name, "--read-only"]) == 0
    out = capsys.readouterr().out
    assert f"verify {config.name} at AWS us-east-1" in out
    skipped = "round trip                       skipped  (--read-only)"
    assert out.count(skipped) == len(catalog.TABLES)
    assert out.rstrip().endswith("OK")


def drop_index(client, config):
    name = config.table_name(catalog.table("market_intelligence_requests"))
    client.update_table(
        TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "user-index"}}]
    )
    return name, "index user-index"


def disable_ttl(client, config):
    name = config.table_name(catalog.table("ai-trade-matching-processing-status"))
    client.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"AttributeName": "expiresAt", "Enabled": False}
    )
    return name, "ttl"


def disable_pitr(client, config):
    name = config.table_name(catalog.table("OpportunitySessions"))
    client.update_continuous_backups(
        TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False}
    )
    return name, "pitr"


def delete_table(client, config):
    name = config.table_name(catalog.table("agent-conversations"))
    client.update_table(TableName=name, DeletionProtectionEnabled=False)
    client.delete_table(TableName=name)
    return name, "table"


def retag(client, config):
    name = config.table_name(catalog.table("agent-profiles"))
    arn = client.describe_table(TableName=name)["Table"]["TableArn"]
    client.tag_resource(ResourceArn=arn, Tags=[{"Key": "Environment", "Value": "production"}])
    return name, "tags"


def flip_deletion_protection(client, config):
    name = config.table_name(catalog.table("request_processing_logs"))
    client.update_table(TableName=name, DeletionProtectionEnabled=not config.deletion_protection)
    return name, "deletion protection"


def without_kms(client, config):
    """Recreated exactly as ``local up`` would, except with the AWS owned key."""
    spec = catalog.table("request_processing_logs")
    name = config.table_name(spec)
    client.update_table(TableName=name, DeletionProtectionEnabled=False)
    client.delete_table(TableName=name)
    create_table(
        client,
        spec,
        table_name=name,
        options=TableOptions(
            deletion_protection=config.deletion_protection,
            extra_tags=(("Environment", config.name),),
            kms_encryption=False,
        ),
    )
    enable_pitr(client, name, days=config.pitr_recovery_days)
    return name, "sse kms"


def switch_billing(client, config):
    name = config.table_name(catalog.table("agent-profiles"))
    if config.provisioned_capacity:
        client.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")
    else:
        client.update_table(
            TableName=name,
            BillingMode="PROVISIONED",
            ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
        )
    return name, "billing"


@pytest.mark.parametrize(
    ("deployed", "drift"),
    [
        ("dev", drop_index),
        ("dev", disable_ttl),
        ("dev", disable_pitr),
        ("dev", delete_table),
        ("dev", retag),
        ("dev", without_kms),
        *[
            (env, drift)
            for env in ("dev", "prod")
            for drift in (flip_deletion_protection, switch_billing)
        ],
    ],
    indirect=["deployed"],
)
def test_drift_is_a_named_failure_and_exit_1(deployed, drift, capsys):
    client, config = deployed
    table_name, check = drift(client, config)
    code, document = verify(capsys, config, "--read-only")
    assert code == 1
    assert document["ok"] is False
    assert failures(document) == [(table_name, check)]


def test_missing_table_skips_the_rest_of_its_checks(deployed, capsys):
    client, config = deployed
    table_name, _ = delete_table(client, config)
    _, document = verify(capsys, config)
    checks = statuses(document, table_name)
    assert checks.pop("table") == "fail"
    assert set(checks.values()) == {"skipped"}
    assert "round trip" in checks


def test_an_unexpected_index_is_drift(deployed, capsys):
    client, config = deployed
    spec = catalog.table("agent-conversations")
    name = config.table_name(spec)
    definitions = client.describe_table(TableName=name)["Table"]["AttributeDefinitions"]
    client.update_table(
        TableName=name,
        AttributeDefinitions=definitions,
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": "by-timestamp",
                    "KeySchema": [{"AttributeName": "timestamp", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                }
            }
        ],
    )
    _, document = verify(capsys, config, "--read-only")
    assert failures(document) == [(name, "no unexpected indexes")]


class _Denying:
    """A client whose one operation is refused, as IAM would refuse it."""

    def __init__(self, client, operation: str) -> None:
        self._client, self._operation = client, operation

    def __getattr__(self, name):
        if name == self._operation:

            def refuse(**_):
                error = {"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}}
                raise ClientError(error, name)

            return refuse
        return getattr(self._client, name)


def test_an_access_error_fails_that_check_only(deployed):
    client, config = deployed
    spec = catalog.table("OpportunitySessions")
    report = verify_table(_Denying(client, "list_tags_of_resource"), spec, config, read_only=False)
    checks = {check.name: check for check in report.checks}
    assert checks["tags"].status == "fail"
    assert "AccessDeniedException" in checks["tags"].detail
    assert checks["pitr"].status == "pass"
    assert checks["round trip"].status == "pass"


def test_a_refused_write_fails_the_round_trip(deployed):
    client, config = deployed
    spec = catalog.table("OpportunitySessions")
    report = verify_table(_Denying(client, "put_item"), spec, config, read_only=False)
    trip = next(check for check in report.checks if check.name == "round trip")
    assert trip.status == "fail"
    assert trip.detail.startswith("put: AccessDeniedException")


def test_read_only_never_writes(deployed):
    client, config = deployed
    for spec in catalog.TABLES:
        report = verify_table(_Denying(client, "put_item"), spec, config, read_only=True)
        assert not report.failed


def test_round_trip_keys_are_unique_and_typed():
    spec = catalog.table("agent-conversations")
    first, second = round_trip_key(spec), round_trip_key(spec)
    assert set(first) == {"conversation_id", "timestamp"}  # table keys only: no GSI sees it
    assert first != second
    assert first["conversation_id"]["S"].startswith("ddbctl-verify-")


def test_env_is_required(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["verify"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "--env" in err


def test_what_dynamodb_local_lacks_is_unsupported_never_passed():
    """DynamoDB Local's answers, as probed: no PITR or tagging operations, and no
    SSEDescription. (The integration test in test_ddbctl_local checks the real thing.)"""
    config = load_from_cdk_json("dev")
    spec = catalog.table("ai-trade-matching-processing-status")
    name = config.table_name(spec)
    client = boto3.client("dynamodb", region_name="us-east-1")
    table = {
        "TableName": name,
        "TableStatus": "ACTIVE",
        "TableArn": f"arn:aws:dynamodb:ddblocal:000000000000:table/{name}",
        "KeySchema": [{"AttributeName": "sessionId", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "sessionId", "AttributeType": "S"}],
        "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
        "DeletionProtectionEnabled": False,
    }
    with Stubber(client) as stubber:
        stubber.add_response("describe_table", {"Table": table})
        stubber.add_response(
            "describe_time_to_live",
            {
                "TimeToLiveDescription": {
                    "TimeToLiveStatus": "ENABLED",
                    "AttributeName": "expiresAt",
                }
            },
        )
        stubber.add_client_error(
            "describe_continuous_backups",
            "UnknownOperationException",
            "An unknown operation was requested.",
        )
        stubber.add_client_error(
            "list_tags_of_resource",
            "UnknownOperationException",
            "Tagging is not currently supported in DynamoDB Local.",
        )
        report = verify_table(client, spec, config, read_only=True)
    checks = {check.name: check.status for check in report.checks}
    assert checks["pitr"] == checks["tags"] == checks["sse kms"] == "unsupported"
    assert not report.failed


def test_no_encryption_description_from_aws_is_a_failure():
    report = TableReport(key="k", table_name="t")
    _check_sse(report, {"TableArn": "arn:aws:dynamodb:us-east-1:1:table/t"}, local=False)
    assert report.checks[0].status == "fail"
    assert report.checks[0].detail == "AWS owned key, expected KMS"

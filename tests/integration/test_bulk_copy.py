"""copy_via_s3 end to end: moto's ExportTableToPointInTime writes the source into the
staging bucket, and the bulk put (Stubber: moto has none) is started on the export's data
prefix. No item passes through this machine."""

from __future__ import annotations

import gzip
import json

import boto3
import pytest
from botocore.stub import ANY, Stubber

import catalog
from ddbctl.bulk.export_copy import ONLY_MISSING_REFUSAL, copy_via_s3
from ddbctl.bulk.location import parse_location
from ddbctl.errors import CliError
from ddbctl.table_definitions import create_table
from tests.bulk_fixtures import BUCKET, bulk_operation_description, moto_endpoint, services

__all__ = ["moto_endpoint", "services"]
SOURCE = "staging-agent-profiles"
TARGET = "dev-agent-profiles"
ARN = f"arn:aws:dynamodb:us-east-1:123456789012:table/{TARGET}/bulk-operation/0123456789abcdef"


@pytest.fixture
def source_table(services):
    dynamodb, s3 = services
    create_table(dynamodb, catalog.table("agent-profiles"), table_name=SOURCE)
    dynamodb.update_continuous_backups(
        TableName=SOURCE,
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )
    for number in range(7):
        dynamodb.put_item(
            TableName=SOURCE, Item={"id": {"S": f"agent-{number}"}, "job": {"S": "Tutor"}}
        )
    return dynamodb, s3


@pytest.fixture
def target():
    client = boto3.client("dynamodb", region_name="us-east-1")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def description(status: str, **extra) -> dict:
    return bulk_operation_description(ARN, status, **extra)


def copy(dynamodb, client, s3, prefix: str, **options):
    """``copy_via_s3`` from SOURCE to TARGET, the two tables every test here copies, staged
    under ``prefix`` in the test bucket (a prefix per test, so none sees another's files)."""
    return copy_via_s3(
        source_client=dynamodb,
        target_client=client,
        s3=s3,
        source_table=SOURCE,
        target_table=TARGET,
        staging=parse_location(f"s3://{BUCKET}/{prefix}"),
        **options,
    )


def test_the_export_is_bulk_put_into_the_target_from_its_data_prefix(source_table, target):
    dynamodb, s3 = source_table
    client, stubber = target
    stubber.add_response("describe_table", {"Table": {"TableName": TARGET}})
    started = {}

    def start_response(params, **_):
        started.update(params)

    client.meta.events.register("provide-client-params.dynamodb.StartBulkPutItems", start_response)
    stubber.add_response(
        "start_bulk_put_items",
        description("IN_PROGRESS"),
        {
            "ClientToken": ANY,
            "TableName": TARGET,
            "InputS3Configuration": ANY,
            "OutputS3Configuration": {
                "S3Bucket": BUCKET,
                "S3KeyPrefix": "copies/c1/reports/",
                "OutputType": ["ERROR"],
            },
            "PerformanceTier": "STANDARD",
        },
    )
    stubber.add_response("describe_bulk_operation", description("IN_PROGRESS"))
    stubber.add_response(
        "describe_bulk_operation", description("COMPLETED", ProcessedItemCount=7, FailedItemCount=0)
    )
    outcome = copy(
        dynamodb,
        client,
        s3,
        "copies/c1",
        poll_seconds=0,
        sleep=lambda seconds: None,
        progress=False,
    )
    assert outcome.status == "COMPLETED"
    config = started["InputS3Configuration"]
    assert config == {
        "S3Bucket": BUCKET,
        "S3KeyPrefix": outcome.data_prefix,
        "InputFormat": "DYNAMODB_JSON",
        "InputCompressionType": "GZIP",
    }
    assert outcome.data_prefix.startswith("copies/c1/export/AWSDynamoDB/")
    assert outcome.data_prefix.endswith("/data/")
    # What the bulk put will read under that prefix is the whole source, in its input format.
    items = []
    for page in s3.get_paginator("list_objects_v2").paginate(
        Bucket=BUCKET, Prefix=outcome.data_prefix
    ):
        for entry in page["Contents"]:
            body = gzip.decompress(s3.get_object(Bucket=BUCKET, Key=entry["Key"])["Body"].read())
            items += [json.loads(line)["Item"]["id"]["S"] for line in body.splitlines()]
    assert sorted(items) == [f"agent-{n}" for n in range(7)]


def test_only_missing_is_refused_before_anything_is_exported(source_table, target):
    dynamodb, s3 = source_table
    client, _ = target
    with pytest.raises(CliError) as raised:
        copy(dynamodb, client, s3, "copies/c2", only_missing=True)
    assert str(raised.value) == ONLY_MISSING_REFUSAL
    assert raised.value.exit_code == 2
    assert s3.list_objects_v2(Bucket=BUCKET, Prefix="copies/").get("KeyCount") == 0


def test_a_source_without_point_in_time_recovery_is_one_line(services, target):
    dynamodb, s3 = services
    client, stubber = target
    create_table(dynamodb, catalog.table("agent-profiles"), table_name=SOURCE)
    stubber.add_response("describe_table", {"Table": {"TableName": TARGET}})
    with pytest.raises(CliError, match="has point-in-time recovery off, and an export needs it"):
        copy(dynamodb, client, s3, "copies/c4")


def test_a_target_with_replicas_is_refused_before_the_export(source_table, target):
    dynamodb, s3 = source_table
    client, stubber = target
    stubber.add_response(
        "describe_table",
        {"Table": {"TableName": TARGET, "Replicas": [{"RegionName": "eu-west-1"}]}},
    )
    with pytest.raises(CliError, match="has replicas in eu-west-1"):
        copy(dynamodb, client, s3, "copies/c3")
    assert s3.list_objects_v2(Bucket=BUCKET, Prefix="copies/").get("KeyCount") == 0


def test_ctrl_c_during_the_copy_leaves_the_bulk_put_running(source_table, target):
    dynamodb, s3 = source_table
    client, stubber = target
    stubber.add_response("describe_table", {"Table": {"TableName": TARGET}})
    stubber.add_response("start_bulk_put_items", description("IN_PROGRESS"))
    stubber.add_response("describe_bulk_operation", description("IN_PROGRESS"))

    started = []
    client.meta.events.register(
        "after-call.dynamodb.StartBulkPutItems", lambda **_: started.append(True)
    )

    def interrupt(seconds: float) -> None:
        if started:  # while the bulk put runs, not while the export does
            raise KeyboardInterrupt

    with pytest.raises(CliError) as raised:
        copy(
            dynamodb,
            client,
            s3,
            "copies/c5",
            poll_seconds=1,
            sleep=interrupt,
            progress=False,
            env="staging",
        )
    assert raised.value.exit_code == 130
    assert f"`ddbctl bulk cancel {ARN} --env staging`" in str(raised.value)

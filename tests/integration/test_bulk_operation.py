"""The bulk put's calls under botocore's Stubber (moto has none of them): start with an
idempotent token, progress, success, a partial failure merged into the rejects file, a
failed run, Ctrl-C, cancel. S3 is a moto server; a table with replicas is refused before
anything is staged."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from botocore.stub import ANY, Stubber

from ddbctl.bulk.manifest import Manifest
from ddbctl.bulk.target import other_regions
from ddbctl.cli import main
from ddbctl.migrate.validate import build_item
from tests.bulk_fixtures import (
    BUCKET,
    TABLE,
    bulk_operation_description,
    listing,
    moto_endpoint,
    services,
)
from tests.profiles import profile, read_rejects, write_files

__all__ = ["moto_endpoint", "services"]
ARN = f"arn:aws:dynamodb:us-east-1:123456789012:table/{TABLE}/bulk-operation/0123456789abcdef"
PREFIX = "load"


@pytest.fixture
def stubbed_dynamodb(services, monkeypatch):
    """DynamoDB calls go to a Stubber (DescribeTable included); S3 stays on moto."""
    client = boto3.client("dynamodb", region_name="us-east-1")
    tokens: list[str] = []
    client.meta.events.register(
        "provide-client-params.dynamodb.StartBulkPutItems",
        lambda params, **_: tokens.append(params["ClientToken"]),
    )
    monkeypatch.setattr("ddbctl.context.CommandContext.client", lambda self, **_: client)
    monkeypatch.setattr("ddbctl.bulk.watch._sleep", lambda seconds: None)
    with Stubber(client) as stubber:
        yield stubber, tokens, services[1]
        stubber.assert_no_pending_responses()


def description(status: str, **extra) -> dict:
    return bulk_operation_description(ARN, status, **extra)


def expect_table(stubber, **table) -> None:
    stubber.add_response(
        "describe_table", {"Table": {"TableName": TABLE, "TableStatus": "ACTIVE", **table}}
    )


def expect_start(stubber, **extra) -> None:
    expected = {
        "ClientToken": ANY,
        "TableName": TABLE,
        "InputS3Configuration": {
            "S3Bucket": BUCKET,
            "S3KeyPrefix": f"{PREFIX}/data/",
            "InputFormat": "DYNAMODB_JSON",
            "InputCompressionType": "GZIP",
        },
        "OutputS3Configuration": {
            "S3Bucket": BUCKET,
            "S3KeyPrefix": f"{PREFIX}/reports/",
            "OutputType": ["ERROR"],
        },
        "PerformanceTier": "STANDARD",
        **extra,
    }
    stubber.add_response("start_bulk_put_items", description("IN_PROGRESS"), expected)


def expect_describe(stubber, status: str, **extra) -> None:
    stubber.add_response(
        "describe_bulk_operation", description(status, **extra), {"BulkOperationArn": ARN}
    )


def load(source: Path, rejects: Path, *extra: str) -> int:
    return main(
        [
            "migrate-profiles",
            str(source),
            "--env",
            "dev",
            "--via-s3",
            f"s3://{BUCKET}/{PREFIX}",
            "--rejects",
            str(rejects),
            *extra,
        ]
    )


def source_of(tmp_path: Path, count: int = 5) -> Path:
    return write_files(tmp_path / "in", {f"p{n}.json": profile(n) for n in range(count)})


def manifest_token(s3) -> str:
    body = s3.get_object(Bucket=BUCKET, Key=f"{PREFIX}/manifest.json")["Body"].read()
    return Manifest.from_json(body).client_token


def test_a_repeated_start_sends_the_same_token_derived_from_the_manifest(
    stubbed_dynamodb, tmp_path, capsys
):
    stubber, tokens, s3 = stubbed_dynamodb
    source = source_of(tmp_path)
    for _ in range(2):
        expect_table(stubber)
        expect_start(stubber, MaxWriteRequestUnits=2048, PerformanceTier="ACCELERATED")
        expect_describe(stubber, "COMPLETED", ProcessedItemCount=5, FailedItemCount=0)
        args = ("--max-write-units", "2048", "--tier", "accelerated")
        assert load(source, tmp_path / "r.jsonl", *args) == 0
    out = capsys.readouterr().out
    assert tokens[0] == tokens[1] == manifest_token(s3)
    assert out.count(f"bulk put started: {ARN}") == 2
    assert out.splitlines()[-1] == "read 5 = written 5 + rejected 0 + not written 0"


def test_progress_is_polled_until_the_operation_ends(stubbed_dynamodb, tmp_path, capsys):
    stubber, _, _ = stubbed_dynamodb
    expect_table(stubber)
    expect_start(stubber)
    expect_describe(stubber, "IN_PROGRESS", ProcessedItemCount=0, ProcessedInputBytes=0)
    expect_describe(stubber, "IN_PROGRESS", ProcessedItemCount=3, TotalInputBytes=900)
    expect_describe(
        stubber,
        "COMPLETED",
        ProcessedItemCount=5,
        FailedItemCount=0,
        ProcessedInputBytes=900,
        TotalInputBytes=900,
    )
    assert load(source_of(tmp_path), tmp_path / "r.jsonl") == 0
    out = capsys.readouterr().out
    assert "bulk put COMPLETED: 5 item(s) processed, 0 failed, 900 of 900 input bytes read" in out


def report_line(record: dict, **fields) -> bytes:
    _, wire = build_item(record)
    return json.dumps({"Item": wire, **fields}).encode() + b"\n"


def test_a_partial_failure_is_merged_into_the_rejects_file_and_exits_1(
    stubbed_dynamodb, tmp_path, capsys
):
    stubber, _, s3 = stubbed_dynamodb
    body = (
        report_line(
            profile(2),
            ErrorCode="ValidationException",
            ErrorMessage="Item size has exceeded the limit",
        )
        + b"not json at all\n"
    )
    s3.put_object(
        Bucket=BUCKET, Key=f"{PREFIX}/reports/op/errors-0.json.gz", Body=gzip.compress(body)
    )
    s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}/reports/op/manifest.json", Body=b'{"files": 1}')
    expect_table(stubber)
    expect_start(stubber)
    expect_describe(stubber, "COMPLETED_WITH_ERRORS", ProcessedItemCount=5, FailedItemCount=3)
    rejects = tmp_path / "r.jsonl"
    assert load(source_of(tmp_path), rejects) == 1
    captured = capsys.readouterr()
    entries = read_rejects(rejects)
    assert [entry["kind"] for entry in entries] == ["not_written", "not_written"]
    first, second = entries
    assert first["seq"] == 2
    assert first["source"].endswith("p2.json")
    assert first["code"] == "bulk_put_error"
    assert first["reason"] == (
        "DynamoDB's bulk put did not write it: ValidationException: "
        "Item size has exceeded the limit"
    )
    assert first["record"] == json.loads(json.dumps(profile(2)))
    assert second["raw_text"] == "not json at all"
    assert second["source"] == f"s3://{BUCKET}/{PREFIX}/reports/op/errors-0.json.gz"
    assert (
        "1 item(s) counted as failed by DescribeBulkOperation but not in the error report"
        in captured.err
    )
    lines = captured.out.splitlines()
    assert "read 5 = written 2 + rejected 0 + not written 3" in lines
    assert lines[-1] == f"rejects: {rejects}"


def test_a_failed_operation_counts_what_it_never_read_as_not_written(
    stubbed_dynamodb, tmp_path, capsys
):
    stubber, _, _ = stubbed_dynamodb
    expect_table(stubber)
    expect_start(stubber)
    expect_describe(
        stubber,
        "FAILED",
        ProcessedItemCount=2,
        FailedItemCount=0,
        FailureCode="S3AccessDenied",
        FailureMessage="no access to the input",
    )
    assert load(source_of(tmp_path), tmp_path / "r.jsonl") == 1
    out = capsys.readouterr().out
    assert "read 5 = written 2 + rejected 0 + not written 3" in out
    assert "not written 3 bulk_put_stopped: e.g. the bulk put ended FAILED (S3AccessDenied)" in out


def test_ctrl_c_while_watching_leaves_it_running_and_says_how_to_reattach_or_cancel(
    stubbed_dynamodb, tmp_path, monkeypatch, capsys
):
    stubber, _, _ = stubbed_dynamodb
    expect_table(stubber)
    expect_start(stubber)
    expect_describe(stubber, "IN_PROGRESS")

    def interrupt(seconds: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("ddbctl.bulk.watch._sleep", interrupt)
    assert load(source_of(tmp_path), tmp_path / "r.jsonl") == 130
    err = capsys.readouterr().err
    assert f"re-attach with `ddbctl bulk status {ARN} --env dev --watch`" in err
    assert f"cancel it with `ddbctl bulk cancel {ARN} --env dev`" in err


def test_other_settings_for_the_same_staged_input_are_one_line(stubbed_dynamodb, tmp_path, capsys):
    stubber, _, _ = stubbed_dynamodb
    expect_table(stubber)
    stubber.add_client_error(
        "start_bulk_put_items", "IdempotentParameterMismatchException", "token reused"
    )
    assert load(source_of(tmp_path), tmp_path / "r.jsonl") == 1
    err = capsys.readouterr().err
    assert "was started with other settings (--max-write-units or --tier)" in err
    assert err.count("\n") == 1


def test_a_table_with_replicas_is_refused_before_anything_is_staged(
    stubbed_dynamodb, tmp_path, capsys
):
    stubber, _, s3 = stubbed_dynamodb
    expect_table(stubber, Replicas=[{"RegionName": "us-west-2"}, {"RegionName": "eu-west-1"}])
    assert load(source_of(tmp_path), tmp_path / "r.jsonl") == 1
    assert capsys.readouterr().err == (
        f"ddbctl migrate-profiles: error: table {TABLE} has replicas in eu-west-1, us-west-2: "
        "the bulk put does not support global tables; load it without --via-s3 "
        "(BatchWriteItem replicates)\n"
    )
    assert listing(s3) == {}


def test_a_single_region_table_v2_counts_as_a_regional_table():
    assert other_regions({}, own_region="us-east-1") == []
    assert other_regions({"Replicas": [{"RegionName": "us-east-1"}]}, own_region="us-east-1") == []
    assert other_regions(
        {"Replicas": [{"RegionName": "us-east-1"}, {"RegionName": "us-west-2"}]},
        own_region="us-east-1",
    ) == ["us-west-2"]


# --- ddbctl bulk status / cancel / list -------------------------------------------------


@pytest.fixture
def bulk_client(monkeypatch):
    client = boto3.client(
        "dynamodb", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    monkeypatch.setattr("ddbctl.commands.bulk._client", lambda args: client)
    monkeypatch.setattr("ddbctl.bulk.watch._sleep", lambda seconds: None)
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def test_cancel_asks_dynamodb_to_cancel_and_says_what_stays(bulk_client, capsys):
    bulk_client.add_response(
        "cancel_bulk_operation",
        {"BulkOperationArn": ARN, "BulkOperationStatus": "CANCELLING"},
        {"BulkOperationArn": ARN},
    )
    assert main(["bulk", "cancel", ARN, "--env", "dev"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{ARN}: CANCELLING; items already written stay in the table")


def test_cancel_of_an_unknown_operation_is_one_line(bulk_client, capsys):
    bulk_client.add_client_error("cancel_bulk_operation", "ResourceNotFoundException", "no")
    assert main(["bulk", "cancel", ARN, "--env", "dev"]) == 1
    err = capsys.readouterr().err
    assert (
        err == f"ddbctl bulk: error: no bulk operation {ARN}: check the ID "
        "(`ddbctl bulk list` shows the last 90 days)\n"
    )


def test_status_watch_follows_to_the_end_and_points_at_the_error_report(bulk_client, capsys):
    for status in ("IN_PROGRESS", "COMPLETED_WITH_ERRORS"):
        bulk_client.add_response(
            "describe_bulk_operation",
            description(
                status,
                ProcessedItemCount=10,
                FailedItemCount=1,
                OutputS3Configuration={
                    "S3Bucket": BUCKET,
                    "S3KeyPrefix": "load/reports/",
                    "OutputType": ["ERROR"],
                },
            ),
        )
    assert main(["bulk", "status", ARN, "--env", "dev", "--watch"]) == 1
    out = capsys.readouterr().out
    assert f"{ARN}: COMPLETED_WITH_ERRORS: 10 item(s) processed, 1 failed" in out
    assert f"error report: s3://{BUCKET}/load/reports/" in out


def test_status_of_a_running_operation_exits_0(bulk_client, capsys):
    bulk_client.add_response("describe_bulk_operation", description("IN_PROGRESS"))
    assert main(["bulk", "status", ARN, "--env", "dev"]) == 0
    assert capsys.readouterr().out.startswith(f"{ARN}: IN_PROGRESS: 0 item(s) processed")


def test_list_pages_through_every_operation(bulk_client, capsys):
    started = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    bulk_client.add_response(
        "list_bulk_operations",
        {
            "BulkOperationsSummaryList": [
                {
                    "BulkOperationArn": ARN,
                    "BulkOperationStatus": "COMPLETED",
                    "StartTime": started,
                    "EndTime": started,
                }
            ],
            "NextToken": "0123456789abcdef",
        },
        {"MaxResults": 25},
    )
    bulk_client.add_response(
        "list_bulk_operations",
        {
            "BulkOperationsSummaryList": [
                {
                    "BulkOperationArn": ARN + "1",
                    "BulkOperationStatus": "IN_PROGRESS",
                    "StartTime": started,
                }
            ]
        },
        {"MaxResults": 25, "NextToken": "0123456789abcdef"},
    )
    assert main(["bulk", "list", "--env", "dev"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{ARN}  COMPLETED  started 2026-12-01 10:00:00  ended 2026-12-01 10:00:00",
        f"{ARN}1  IN_PROGRESS  started 2026-12-01 10:00:00",
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {"ErrorCode": "ValidationException", "ErrorMessage": "too big"},
        {"error": {"code": "ValidationException", "message": "too big"}},
    ],
)
def test_a_report_line_is_read_whether_its_fields_are_flat_or_nested(fields):
    from ddbctl.bulk.report import _failure

    _, wire = build_item(profile(7))
    failure = _failure("r", json.dumps({"record": {"Item": wire}, **fields}))
    assert failure.id == "agent-00007"
    assert failure.problem.message == (
        "DynamoDB's bulk put did not write it: ValidationException: too big"
    )

"""Starting a bulk put, and reading its description."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from ddbctl.bulk.location import StagingLocation
from ddbctl.bulk.target import bulk_blocker
from ddbctl.errors import CliError

TERMINAL = frozenset({"COMPLETED", "COMPLETED_WITH_ERRORS", "CANCELLED", "FAILED"})
MIN_WRITE_UNITS = 1024  # the API's floor for MaxWriteRequestUnits
TIERS = {"standard": "STANDARD", "accelerated": "ACCELERATED"}


@dataclass(frozen=True)
class StartSettings:
    max_write_units: int | None = None
    tier: str = "standard"


def start_bulk_put(
    client: Any,
    *,
    table_name: str,
    input_bucket: str,
    input_prefix: str,
    reports: StagingLocation,
    client_token: str,
    settings: StartSettings,
) -> dict[str, Any]:
    """StartBulkPutItems; the same token and settings within 8 hours return the same
    operation, so a repeated start never loads twice."""
    request: dict[str, Any] = {
        "ClientToken": client_token,
        "TableName": table_name,
        "InputS3Configuration": {
            "S3Bucket": input_bucket,
            "S3KeyPrefix": input_prefix,
            "InputFormat": "DYNAMODB_JSON",
            "InputCompressionType": "GZIP",
        },
        "OutputS3Configuration": {
            "S3Bucket": reports.bucket,
            "S3KeyPrefix": reports.reports_prefix,
            "OutputType": ["ERROR"],
        },
        "PerformanceTier": TIERS[settings.tier],
    }
    if settings.max_write_units is not None:
        request["MaxWriteRequestUnits"] = settings.max_write_units
    try:
        return client.start_bulk_put_items(**request)["BulkOperationDescription"]
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "")
        if code == "IdempotentParameterMismatchException":
            raise CliError(
                f"an operation for this staged input was started with other settings "
                f"(--max-write-units or --tier): run `ddbctl bulk list` to find it, or stage "
                f"under a new PREFIX ({message})"
            ) from None
        if code in ("ResourceInUseException", "ValidationException"):
            # The table may have changed state since it was checked: say how, if so.
            blocker = bulk_blocker(client.describe_table(TableName=table_name)["Table"])
            if blocker:
                raise CliError(blocker) from None
        if code in ("LimitExceededException", "ResourceInUseException"):
            raise CliError(
                f"DynamoDB will not start the bulk put now ({code}: {message}): wait for the "
                "running operations (`ddbctl bulk list`) and run the same command again"
            ) from None
        raise


def describe(client: Any, arn: str) -> dict[str, Any]:
    try:
        return client.describe_bulk_operation(BulkOperationArn=arn)["BulkOperationDescription"]
    except client.exceptions.ResourceNotFoundException:
        raise CliError(
            f"no bulk operation {arn}: check the ID (`ddbctl bulk list` shows the last 90 days)"
        ) from None


def reattach_hint(arn: str, *, env: str) -> str:
    quoted = shlex.quote(arn)
    return (
        f"the bulk operation keeps running: re-attach with `ddbctl bulk status {quoted} "
        f"--env {env} --watch`, or cancel it with `ddbctl bulk cancel {quoted} --env {env}`"
    )

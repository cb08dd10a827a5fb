"""Copy a table at scale: export it to S3 with ExportTableToPointInTime, then load the
export's DynamoDB-JSON objects (the bulk put's own input format) with StartBulkPutItems.
No item passes through this machine.

``--only-missing`` cannot be honoured this way. The bulk put does support a condition,
but only per item, written into each input line; an export's lines carry none, and adding
them would mean rewriting every object here, which is what this path exists to avoid.
"""

from __future__ import annotations

import hashlib
import posixpath
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ddbctl.bulk.location import StagingLocation
from ddbctl.bulk.manifest import CLIENT_TOKEN_LENGTH
from ddbctl.bulk.operation import StartSettings, reattach_hint, start_bulk_put
from ddbctl.bulk.target import require_bulk_target
from ddbctl.bulk.watch import POLL_SECONDS, watch
from ddbctl.errors import EXIT_USAGE, CliError

DEFAULT_SETTINGS = StartSettings()
ONLY_MISSING_REFUSAL = (
    "--only-missing cannot be honoured with --via-s3: the bulk put takes conditions only "
    "inside each input line, and a table export's lines carry none: drop one of them"
)


@dataclass(frozen=True)
class CopyOutcome:
    export_arn: str
    data_prefix: str
    operation: dict[str, Any]

    @property
    def status(self) -> str:
        return self.operation.get("BulkOperationStatus", "?")


def copy_via_s3(
    *,
    source_client: Any,
    target_client: Any,
    s3: Any,
    source_table: str,
    target_table: str,
    staging: StagingLocation,
    only_missing: bool = False,
    settings: StartSettings = DEFAULT_SETTINGS,
    poll_seconds: float = POLL_SECONDS,
    sleep: Callable[[float], None] | None = None,
    progress: bool | None = None,
    env: str = "ENV",
) -> CopyOutcome:
    """Export ``source_table`` under ``staging`` and bulk-put it into ``target_table``.

    Refuses, before anything is exported, ``only_missing`` and a target with replicas.
    Repeating the call within 8 hours reuses the same export and the same operation
    (both are started with client tokens derived from the tables and the location).
    Ctrl-C while the bulk put runs leaves it running: a CliError (exit 130) says how to
    re-attach or cancel it (``env`` goes into those commands).
    """
    if only_missing:
        raise CliError(ONLY_MISSING_REFUSAL, exit_code=EXIT_USAGE)
    require_bulk_target(target_client, target_table, where="the target")
    source = require_source(source_client, source_table)
    token = _token(source["TableArn"], target_table, staging.uri)
    try:
        export = source_client.export_table_to_point_in_time(
            TableArn=source["TableArn"],
            S3Bucket=staging.bucket,
            S3Prefix=staging.export_prefix,
            ExportFormat="DYNAMODB_JSON",
            ClientToken=token,
        )["ExportDescription"]
    except source_client.exceptions.PointInTimeRecoveryUnavailableException:
        raise CliError(
            f"source table {source_table} has point-in-time recovery off, and an export needs "
            "it: turn it on (every table this project deploys has it) and run again"
        ) from None
    try:
        export = _wait_for_export(
            source_client, export["ExportArn"], poll_seconds, sleep or time.sleep
        )
    except KeyboardInterrupt:
        raise CliError(
            f"interrupted; the export {export['ExportArn']} keeps running: run the same copy "
            "again within 8 hours and it waits for that export instead of starting another",
            exit_code=130,
        ) from None
    data_prefix = export_data_prefix(s3, export, staging)
    operation = start_bulk_put(
        target_client,
        table_name=target_table,
        input_bucket=staging.bucket,
        input_prefix=data_prefix,
        reports=staging,
        client_token=_token(export["ExportArn"], target_table),
        settings=settings,
    )
    arn = operation["BulkOperationArn"]
    try:
        final = watch(target_client, arn, poll_seconds=poll_seconds, sleep=sleep, enabled=progress)
    except KeyboardInterrupt:
        raise CliError(f"interrupted; {reattach_hint(arn, env=env)}", exit_code=130) from None
    return CopyOutcome(export_arn=export["ExportArn"], data_prefix=data_prefix, operation=final)


def require_source(client: Any, table_name: str) -> dict[str, Any]:
    try:
        table = client.describe_table(TableName=table_name)["Table"]
    except client.exceptions.ResourceNotFoundException:
        raise CliError(f"source table {table_name} does not exist") from None
    return table


def export_data_prefix(s3: Any, export: dict[str, Any], staging: StagingLocation) -> str:
    """Where the export's data objects are: beside its manifest (``.../AWSDynamoDB/<id>/``).

    Without a manifest path (moto gives none), the one ``data/`` folder under the export
    prefix; more than one is ambiguous and refused, since the bulk put would load them all.
    """
    manifest = export.get("ExportManifest")
    if manifest:
        return posixpath.dirname(manifest) + "/data/"
    root = f"{staging.export_prefix}/AWSDynamoDB/"
    folders = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=staging.bucket, Prefix=root):
        for entry in page.get("Contents", []):
            head, marker, _ = entry["Key"].partition("/data/")
            if marker:
                folders.add(head + "/data/")
    if len(folders) != 1:
        raise CliError(
            f"found {len(folders)} export data folders under s3://{staging.bucket}/{root}: "
            "use a new PREFIX for each copy"
        )
    return folders.pop()


def _wait_for_export(
    client: Any, arn: str, poll_seconds: float, sleep: Callable[[float], None]
) -> dict[str, Any]:
    while True:
        export = client.describe_export(ExportArn=arn)["ExportDescription"]
        status = export.get("ExportStatus")
        if status == "COMPLETED":
            return export
        if status == "FAILED":
            raise CliError(
                f"the export {arn} failed ({export.get('FailureCode')}: "
                f"{export.get('FailureMessage')}): nothing was loaded; fix that and run again"
            )
        sleep(poll_seconds)


def _token(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:CLIENT_TOKEN_LENGTH]

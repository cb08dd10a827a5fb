"""``migrate-profiles --via-s3``: the same migration run up to the write, then stage, start,
watch and report.

Records are read, validated, transformed and rejected by ``ddbctl.migrate``'s Migration,
exactly as on the direct path; the S3 stager takes the ParallelWriter's place.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import sys
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

import catalog
from ddbctl.bulk.clients import s3_client, s3_endpoint
from ddbctl.bulk.location import StagingLocation
from ddbctl.bulk.manifest import Manifest
from ddbctl.bulk.operation import StartSettings, reattach_hint, start_bulk_put
from ddbctl.bulk.report import merge_report
from ddbctl.bulk.staging import S3Stager
from ddbctl.bulk.target import require_bulk_target
from ddbctl.bulk.watch import status_line, watch
from ddbctl.context import CommandContext
from ddbctl.endpoint import is_loopback, require_local_endpoint
from ddbctl.errors import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, CliError
from ddbctl.migrate.claim import claimed_outputs, listed_source
from ddbctl.migrate.outputs import default_rejects_path
from ddbctl.migrate.problems import Problem
from ddbctl.migrate.report import (
    NOT_WRITTEN,
    RejectsLog,
    Tally,
    progress_bar,
    progress_enabled,
    report_stopped,
    summary_lines,
)
from ddbctl.migrate.runner import Migration

UNREPORTED = "bulk_put_unreported"
STOPPED = "bulk_put_stopped"


def run(args: argparse.Namespace, *, poll_seconds: float | None = None) -> int:
    context = CommandContext.from_args(env=args.env, endpoint_url=args.endpoint_url)
    if is_loopback(context.endpoint_url) and not args.stage_only:
        raise CliError(
            f"{context.endpoint_url} is a local server, and neither DynamoDB Local nor moto "
            "has the bulk put: add --stage-only to try the staging, or drop --via-s3",
            exit_code=EXIT_USAGE,
        )
    table_name = context.table_name(catalog.table("agent-profiles"))
    location: StagingLocation = args.via_s3
    files = listed_source(args.source)
    rejects_path = args.rejects or default_rejects_path(table_name=table_name, mode="via-s3")
    with claimed_outputs(source=args.source, files=files, rejects_path=rejects_path):
        return _run(args, context, table_name, location, files, rejects_path, poll_seconds)


def _run(
    args: argparse.Namespace,
    context: CommandContext,
    table_name: str,
    location: StagingLocation,
    files: Any,
    rejects_path: Path,
    poll_seconds: float | None,
) -> int:
    require_local_endpoint(context.endpoint_url)
    dynamodb = context.client()
    require_bulk_target(dynamodb, table_name, where=context.endpoint_url or "AWS")
    s3 = s3_client(region=context.config.region)
    try:
        stager = S3Stager(s3=s3, location=location, table_name=table_name)
    except (ClientError, BotoCoreError) as error:
        raise CliError(_s3_problem(location, error)) from None
    print(
        f"migrate-profiles: {args.source} ({len(files)} file(s)) -> {location.uri} -> "
        f"{table_name} (bulk put)"
    )

    rejects = RejectsLog(rejects_path, append=False)
    try:
        result = _stage(files, rejects, stager)
        if result.interrupted or result.fatal is not None:
            return _stopped(result, rejects_path)
        try:
            manifest = stager.finish()
        except (ClientError, BotoCoreError) as error:
            raise CliError(f"{_s3_problem(location, error)}; nothing was started") from None
        tally = result.tally
        _print_staged(stager, manifest, location)
        if stager.counts.stray_keys:
            raise CliError(
                f"{location.uri}data/ holds {len(stager.counts.stray_keys)} object(s) this input "
                f"did not produce (e.g. {stager.counts.stray_keys[0]}), which the bulk put would "
                "load too: stage under a new PREFIX, or delete them"
            )
        if args.stage_only or manifest.items == 0:
            if manifest.items == 0:
                print("nothing to load: no record was valid")
            else:
                print(f"start the load with: {start_command(args)}")
            return _finish(tally, rejects_path, staged=True)
        code = _load(args, dynamodb, s3, location, manifest, rejects, tally, poll_seconds)
        if code is not None:
            return code
        return _finish(tally, rejects_path, staged=False)
    finally:
        rejects.close()


def _stage(files: Any, rejects: RejectsLog, stager: S3Stager) -> Any:
    with progress_bar(total_bytes=_total_bytes(files), enabled=progress_enabled()) as update:
        return Migration(
            files=files, rejects=rejects, writer=stager, workers=1, progress=update
        ).run()


def _load(
    args: argparse.Namespace,
    dynamodb: Any,
    s3: Any,
    location: StagingLocation,
    manifest: Manifest,
    rejects: RejectsLog,
    tally: Tally,
    poll_seconds: float | None,
) -> int | None:
    operation = start_bulk_put(
        dynamodb,
        table_name=manifest.table,
        input_bucket=manifest.bucket,
        input_prefix=manifest.data_prefix,
        reports=location,
        client_token=manifest.client_token,
        settings=StartSettings(max_write_units=args.max_write_units, tier=args.tier),
    )
    arn = operation["BulkOperationArn"]
    print(f"bulk put started: {arn}")
    try:
        options = {} if poll_seconds is None else {"poll_seconds": poll_seconds}
        final = watch(dynamodb, arn, **options)
    except KeyboardInterrupt:
        print(
            f"ddbctl migrate-profiles: interrupted; {reattach_hint(arn, env=args.env)}",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    print(f"bulk put {status_line(final)}")
    account_for_outcome(
        final, s3=s3, location=location, manifest=manifest, rejects=rejects, tally=tally
    )
    return None


def account_for_outcome(
    final: dict[str, Any],
    *,
    s3: Any,
    location: StagingLocation,
    manifest: Manifest,
    rejects: RejectsLog,
    tally: Tally,
) -> None:
    """Every staged item ends written or not written: the report's entries, then what the
    service counted but did not report, then what a failed or cancelled run never read."""
    merged = merge_report(
        s3=s3,
        location=location,
        manifest=manifest,
        rejects=rejects,
        tally=tally,
        next_seq=tally.read,
    )
    failed = final.get("FailedItemCount", 0)
    if failed > merged:
        _not_written(
            tally,
            failed - merged,
            Problem(
                UNREPORTED,
                "counted as failed by DescribeBulkOperation but not in the error report under "
                f"{location.uri}reports/: look there, then re-run",
            ),
        )
    status = final.get("BulkOperationStatus")
    unread = manifest.items - final.get("ProcessedItemCount", 0)
    if status in ("FAILED", "CANCELLED") and unread > 0:
        why = final.get("FailureCode") or status
        _not_written(
            tally,
            unread,
            Problem(
                STOPPED,
                f"the bulk put ended {status} ({why}) before processing it: run the same "
                "command again (putting an item twice leaves one copy)",
            ),
        )


def _not_written(tally: Tally, number: int, problem: Problem) -> None:
    tally.count(NOT_WRITTEN, problem, number)
    tally.written -= number
    print(f"ddbctl migrate-profiles: {number} item(s) {problem.message}", file=sys.stderr)


def start_command(args: argparse.Namespace) -> str:
    """The command that starts the load of what was just staged: the same run without
    ``--stage-only`` (it re-validates, uploads nothing already there, then starts)."""
    words = ["python", "-m", "ddbctl", "migrate-profiles", str(args.source), "--env", args.env]
    if args.endpoint_url:
        words += ["--endpoint-url", args.endpoint_url]
    words += ["--via-s3", args.via_s3.uri]
    if args.max_write_units is not None:
        words += ["--max-write-units", str(args.max_write_units)]
    if args.tier != "standard":
        words += ["--tier", args.tier]
    if args.rejects is not None:
        words += ["--rejects", str(args.rejects)]
    if args.env == "prod":
        words.append("--confirm")
    return shlex.join(words)


def _print_staged(stager: S3Stager, manifest: Manifest, location: StagingLocation) -> None:
    counts = stager.counts
    print(
        f"staged {manifest.items} item(s) in {len(manifest.objects)} object(s) under "
        f"{location.uri}data/ ({manifest.total_bytes:,} bytes gzip); data, index and "
        f"manifest: {counts.uploaded} uploaded, {counts.already_there} already there; manifest "
        f"s3://{location.bucket}/{location.manifest_key}"
    )


def _finish(tally: Tally, rejects_path: Any, *, staged: bool) -> int:
    lines = summary_lines(tally, dry_run=False, rejects=rejects_path)
    if staged:  # nothing is written yet: say so in the counts line itself
        lines[0] = lines[0].replace(f"= written {tally.written} ", f"= staged {tally.written} ", 1)
    for line in lines:
        print(line)
    return EXIT_FAILURE if tally.total_rejected or tally.total_not_written else EXIT_OK


def _stopped(result: Any, rejects_path: Any) -> int:
    for line in summary_lines(
        result.tally, dry_run=False, rejects=rejects_path, unfinished=result.unfinished
    ):
        print(line)
    return report_stopped(
        interrupted=result.interrupted,
        fatal=result.fatal,
        next_step=" while staging; nothing was started: run the same command again "
        "(objects already uploaded are not uploaded again)",
    )


def _s3_problem(location: StagingLocation, error: Exception) -> str:
    code = (
        getattr(error, "response", {}).get("Error", {}).get("Code", "")
        if isinstance(error, ClientError)
        else type(error).__name__
    )
    where = s3_endpoint() or "AWS"
    if code in ("NoSuchBucket", "404"):
        return (
            f"bucket {location.bucket} does not exist at {where}: create it (or set "
            "bulk_load_bucket for the environment) or set $AWS_ENDPOINT_URL_S3"
        )
    if code in ("AccessDenied", "403"):
        return f"access denied to {location.uri} at {where}: use the migration operator's role"
    return f"S3 at {where} refused {location.uri}: {error}"


def _total_bytes(files: Any) -> int:
    total = 0
    for path in files:
        with contextlib.suppress(OSError):  # a broken link is a reject, read as nothing
            total += os.stat(path).st_size
    return total

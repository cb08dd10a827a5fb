"""``ddbctl copy``: copy items from one table into another with the same keys.

Exit codes: 0 every scanned item written or skipped; 1 any failed item, a
refusal or an AWS error; 2 a usage error. Into a staging or prod table without
``--yes`` it prints what it would do and exits 1: nothing was written.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ddbctl.bulk.clients import s3_client
from ddbctl.bulk.export_copy import ONLY_MISSING_REFUSAL, copy_via_s3
from ddbctl.bulk.location import location_argument
from ddbctl.bulk.operation import StartSettings
from ddbctl.bulk.options import write_units
from ddbctl.bulk.watch import status_line
from ddbctl.context import CommandContext
from ddbctl.endpoint import is_loopback, require_local_endpoint
from ddbctl.errors import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliError
from ddbctl.exclusive import exclusive, lock_path_for
from ddbctl.local_state import state_dir
from ddbctl.parser import add_env_arguments, whole_number
from ddbctl.recovery.copy import (
    ENGINES,
    ONLY_MISSING,
    OVERWRITE,
    SCAN_ENGINE,
    CopyJob,
    check_schemas,
)
from ddbctl.recovery.copy_checkpoint import CopyCheckpoint

DEFAULT_SEGMENTS = 8
MAX_SEGMENTS = 64


_segments = whole_number(
    minimum=1, maximum=MAX_SEGMENTS, says="{text!r}: use a whole number {bounds}"
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "copy",
        help="copy items between two tables with the same keys (bring back deleted items)",
        description="Copy every item of --from into --to after checking their key schemas "
        "match: parallel Scan segments, batched writes with jittered backoff, a progress "
        "bar, and a counts line 'scanned N = written W + skipped S + failed F'. "
        "--only-missing writes only items whose key is absent from --to (conditional puts; "
        "never overwrites); --overwrite replaces what is there. A checkpoint per segment "
        "lets --resume continue after a kill. Writing into staging or prod needs --yes. "
        "Exit 0 ok, 1 any failed item or refusal, 2 usage error.",
    )
    add_env_arguments(parser, default_env=None)
    parser.add_argument("--from", dest="source", required=True, metavar="NAME")
    parser.add_argument("--to", dest="target", required=True, metavar="NAME")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--only-missing", action="store_true", help="never overwrite an item")
    mode.add_argument("--overwrite", action="store_true", help="replace items that exist")
    parser.add_argument(
        "--segments",
        type=_segments,
        default=None,
        help=f"parallel Scan segments (default {DEFAULT_SEGMENTS})",
    )
    parser.add_argument("--resume", action="store_true", help="continue a stopped copy")
    parser.add_argument("--yes", action="store_true", help="needed to write in staging or prod")
    parser.add_argument(
        "--checkpoint", type=Path, metavar="PATH", help="checkpoint file (default: state dir)"
    )
    parser.add_argument("--page-size", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument(
        "--via-s3",
        type=location_argument,
        default=None,
        metavar="s3://BUCKET/PREFIX",
        help="for a table too big to scan from here: export --from to S3 "
        "(ExportTableToPointInTime) and bulk-put it into --to (StartBulkPutItems); no item "
        "passes through this machine; not with --only-missing or --resume",
    )
    parser.add_argument("--max-write-units", type=write_units, default=None, metavar="N")
    parser.add_argument("--tier", choices=("standard", "accelerated"), default="standard")
    # The engine moving the items: a key of ddbctl.recovery.copy.ENGINES. A flag such as
    # --via-s3 sets it (dest="engine", action="store_const"); the checks, the checkpoint
    # lock and the counts line stay the same for every engine.
    parser.set_defaults(handler=run, engine=SCAN_ENGINE)


def default_checkpoint(env: str, source: str, target: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", f"copy-{env}-{source}-to-{target}")
    return state_dir() / f"{safe}.json"


def _checkpoint(args: argparse.Namespace, path: Path, mode: str) -> CopyCheckpoint:
    existing = CopyCheckpoint.load(path)
    if args.resume:
        if existing is None:
            raise CliError(f"no checkpoint at {path} to resume: run without --resume")
        if (existing.source, existing.target, existing.mode) != (args.source, args.target, mode):
            raise CliError(
                f"checkpoint {path} is for {existing.source} -> {existing.target} "
                f"({existing.mode}): resume with the same --from, --to and mode"
            )
        if args.segments is not None and args.segments != len(existing.segments):
            raise CliError(
                f"checkpoint {path} has {len(existing.segments)} segments: drop --segments, "
                "or delete the checkpoint to start over"
            )
        return existing
    if existing is not None and not existing.complete:
        raise CliError(
            f"a stopped copy left {path}: add --resume to continue it, or delete it to start over"
        )
    return CopyCheckpoint.fresh(
        source=args.source,
        target=args.target,
        mode=mode,
        segments=args.segments or DEFAULT_SEGMENTS,
    )


def run(args: argparse.Namespace) -> int:
    if args.source == args.target:
        raise CliError("--from and --to name the same table", exit_code=EXIT_USAGE)
    if args.via_s3 is not None and args.only_missing:
        raise CliError(ONLY_MISSING_REFUSAL, exit_code=EXIT_USAGE)
    if args.via_s3 is not None and args.resume:
        raise CliError(
            "--via-s3 keeps no checkpoint (a repeated run re-attaches to the same export and "
            "bulk put): drop --resume",
            exit_code=EXIT_USAGE,
        )
    mode = ONLY_MISSING if args.only_missing else OVERWRITE
    context = CommandContext.from_args(env=args.env, endpoint_url=args.endpoint_url)
    if args.via_s3 is not None and is_loopback(context.endpoint_url):
        raise CliError(
            f"{context.endpoint_url} is a local server, and neither DynamoDB Local nor moto "
            "has the bulk put: drop --via-s3 to copy with Scan segments",
            exit_code=EXIT_USAGE,
        )
    require_local_endpoint(context.endpoint_url)
    segments = args.segments or DEFAULT_SEGMENTS
    # Items come from a Scan, so they are valid requests already: skip botocore's walk of each.
    client = context.client(pool=max(10, segments * 2), parameter_validation=False)
    schema = check_schemas(client, source=args.source, target=args.target)
    if context.config.protected and not args.yes:
        print(
            f"would copy {args.source} into {args.target} ({mode}) in {context.config.name}: "
            "nothing written; re-run with --yes to do it"
        )
        return EXIT_FAILURE
    if args.via_s3 is not None:
        return _copy_via_s3(args, context, client)
    path = args.checkpoint or default_checkpoint(context.config.name, args.source, args.target)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CliError(
            f"cannot create {path.parent} ({error.strerror}): pass --checkpoint"
        ) from None
    busy = f"another copy is using {path}: let it finish, or stop it and run with --resume"
    with exclusive(lock_path_for(path), busy_message=busy):
        checkpoint = _checkpoint(args, path, mode)
        if not args.resume:
            # A new run lists only its own failures; a resumed one keeps the earlier lines.
            path.with_suffix(".failed.jsonl").unlink(missing_ok=True)
        checkpoint.save(path)
        try:
            totals = _copy(args, client, checkpoint, path, mode, schema[0][0])
        except (ClientError, BotoCoreError, KeyboardInterrupt) as error:
            # What was written so far is in the checkpoint: say so, and how to go on.
            print(f"stopped: {_counts(checkpoint.totals())}")
            if isinstance(error, KeyboardInterrupt):
                raise
            raise CliError(f"{error}: fix the cause, then run again with --resume") from None
    failed = totals["failed"]
    print(_counts(totals))
    if failed:
        print(f"failed keys: {path.with_suffix('.failed.jsonl')}; re-run copy --only-missing")
    return EXIT_FAILURE if failed else EXIT_OK


def _copy_via_s3(args: argparse.Namespace, context: CommandContext, client: Any) -> int:
    """The managed engine: DynamoDB exports and loads; this machine only starts and watches."""
    outcome = copy_via_s3(
        source_client=client,
        target_client=client,
        s3=s3_client(region=context.config.region),
        source_table=args.source,
        target_table=args.target,
        staging=args.via_s3,
        only_missing=args.only_missing,
        settings=StartSettings(max_write_units=args.max_write_units, tier=args.tier),
        env=context.config.name,
    )
    print(f"copy: export {outcome.export_arn} -> bulk put {status_line(outcome.operation)}")
    failed = outcome.operation.get("FailedItemCount", 0)
    return EXIT_OK if outcome.status == "COMPLETED" and not failed else EXIT_FAILURE


def _counts(totals: dict[str, int]) -> str:
    return (
        f"scanned {totals['scanned']} = written {totals['written']} + skipped "
        f"{totals['skipped']} + failed {totals['failed']}"
    )


def _copy(args, client, checkpoint: CopyCheckpoint, path: Path, mode: str, hash_key: str):
    console = Console(stderr=True)
    estimate = client.describe_table(TableName=args.source)["Table"].get("ItemCount") or None
    with Progress(
        TextColumn("copy {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task(
            f"{args.source} -> {args.target}",
            total=estimate,
            completed=checkpoint.totals()["scanned"],
        )
        job = CopyJob(
            client=client,
            source=args.source,
            target=args.target,
            mode=mode,
            hash_key=hash_key,
            checkpoint=checkpoint,
            checkpoint_path=path,
            failures_path=path.with_suffix(".failed.jsonl"),
            page_size=args.page_size,
            on_progress=lambda count: progress.advance(task, count),
        )
        return ENGINES[args.engine](job)

"""``ddbctl migrate-profiles``: seed 004's JSON profiles into the ``agent-profiles`` table.

Exit codes: 0 every record was written; 1 some record was rejected or not
written (see the rejects file), the run stopped on an AWS error, the table is missing or
its key schema is not agent-profiles', or another run holds the lock on the same rejects
file or checkpoint (nothing was done); 2 a usage or configuration error (missing, empty or
unlistable SOURCE, no records at all, ``--env prod`` without ``--confirm``, a checkpoint that
does not match or whose rejects file is missing, unreadable or lists an unreadable input
file, a rejects or checkpoint file that is one of the input files, is the other output, or
cannot be written, a path too long for the file system); 130 interrupted (Ctrl-C).

One run at a time per rejects file and per checkpoint: each is guarded by an exclusive
``flock`` (``ddbctl.exclusive``) on ``<file>.lock`` beside it, taken before either file is
emptied, replaced or trimmed. A second run is refused at once, in one line.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path

import catalog
from ddbctl.bulk import load as via_s3
from ddbctl.bulk.options import add_via_s3_arguments, require_consistent
from ddbctl.context import CommandContext
from ddbctl.endpoint import require_local_endpoint
from ddbctl.errors import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliError
from ddbctl.migrate import checkpoint as cp
from ddbctl.migrate.claim import claimed_outputs, listed_source
from ddbctl.migrate.outputs import STATE_SUBDIR, default_rejects_path
from ddbctl.migrate.problems import UNREADABLE
from ddbctl.migrate.reader import FileList
from ddbctl.migrate.report import (
    REJECTED,
    RejectsLog,
    printable,
    progress_bar,
    progress_enabled,
    report_stopped,
    summary_lines,
)
from ddbctl.migrate.runner import Migration, Resume
from ddbctl.migrate.table_schema import schema_problem
from ddbctl.migrate.writer import ParallelWriter
from ddbctl.parser import add_env_arguments, whole_number

DEFAULT_WORKERS = 8
MAX_WORKERS = 64


_workers = whole_number(minimum=1, maximum=MAX_WORKERS)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "migrate-profiles",
        help="load seed 004's JSON agent profiles into the agent-profiles table",
        description="Validate, transform and batch-write agent profiles from a json_storage "
        "directory (*.json: one profile or an array per file; *.jsonl: one per line) or a "
        ".jsonl file. Bad records go to the rejects file with a reason; the run goes on. "
        "One run at a time per rejects file and checkpoint (a lock beside each). Exit 0: all "
        "written; 1: something rejected or not written, the run stopped, or another run holds "
        "the lock; 2: usage or configuration error.",
    )
    parser.add_argument(
        "source", metavar="SOURCE", type=Path, help="json_storage/ or a .jsonl file"
    )
    add_env_arguments(parser, default_env=None)
    parser.add_argument(
        "--workers",
        type=_workers,
        default=DEFAULT_WORKERS,
        help=f"parallel BatchWriteItem threads (default {DEFAULT_WORKERS})",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="validate and report; write nothing to DynamoDB"
    )
    parser.add_argument(
        "--resume", action="store_true", help="continue a stopped run from its checkpoint"
    )
    parser.add_argument(
        "--rejects",
        type=Path,
        default=None,
        help="JSON Lines file of records not written (default: $DDBCTL_STATE_DIR, or the "
        f"project's .ddbctl/, then {STATE_SUBDIR}/<table>.rejects.jsonl)",
    )
    parser.add_argument(
        "--checkpoint",
        type=Path,
        default=None,
        help="checkpoint file (default: the rejects file's name + .checkpoint)",
    )
    parser.add_argument("--confirm", action="store_true", help="required with --env prod")
    add_via_s3_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.env == "prod" and not args.confirm:
        raise CliError(
            "--env prod writes to the production table: add --confirm to proceed",
            exit_code=EXIT_USAGE,
        )
    if args.dry_run and args.resume:
        raise CliError(
            "--dry-run keeps no checkpoint, so it cannot --resume: drop one of them",
            exit_code=EXIT_USAGE,
        )
    conflict = require_consistent(args)
    if conflict:
        raise CliError(conflict, exit_code=EXIT_USAGE)
    if args.via_s3 is not None:
        return via_s3.run(args)
    context = CommandContext.from_args(env=args.env, endpoint_url=args.endpoint_url)
    table_name = context.table_name(catalog.table("agent-profiles"))
    files = listed_source(args.source)

    rejects_path = args.rejects or default_rejects_path(
        table_name=table_name, mode="dry-run" if args.dry_run else ""
    )
    derived_checkpoint = not args.dry_run and args.checkpoint is None
    checkpoint_path = (
        None
        if args.dry_run
        else (args.checkpoint or rejects_path.with_name(rejects_path.name + ".checkpoint"))
    )
    with claimed_outputs(
        source=args.source,
        files=files,
        rejects_path=rejects_path,
        checkpoint_path=checkpoint_path,
        derived_checkpoint=derived_checkpoint,
    ):
        return _migrate(
            args,
            context=context,
            table_name=table_name,
            files=files,
            rejects_path=rejects_path,
            checkpoint_path=checkpoint_path,
        )


def _migrate(
    args: argparse.Namespace,
    *,
    context: CommandContext,
    table_name: str,
    files: FileList,
    rejects_path: Path,
    checkpoint_path: Path | None,
) -> int:
    try:
        identity = (str(args.source.resolve()), table_name, cp.fingerprint(files))
    except OSError as error:
        raise CliError(
            f"{error.filename}: {error.strerror}; SOURCE changed while it was being listed: "
            "re-run once nothing else is writing to it",
            exit_code=EXIT_USAGE,
        ) from None
    resume = _resume_point(args, checkpoint_path, rejects_path, identity)

    writer = None
    if not args.dry_run:
        require_local_endpoint(context.endpoint_url)
        client = context.client(pool=args.workers, parameter_validation=False)
        _require_table(client, table_name, context.endpoint_url, env=args.env)
        writer = ParallelWriter(client=client, table_name=table_name, workers=args.workers)
    if checkpoint_path is not None and resume.next_seq == 0:
        checkpoint_path.unlink(missing_ok=True)  # before the rejects file is emptied
    mode = "dry run, nothing is written" if args.dry_run else f"{args.workers} workers"
    print(
        printable(
            f"migrate-profiles: {args.source} ({len(files)} file(s)) -> {table_name} ({mode})"
        )
    )
    if files.skipped:
        print(f"ddbctl migrate-profiles: {_skipped_note(files.skipped)}", file=sys.stderr)

    try:
        rejects = RejectsLog(rejects_path, append=resume.next_seq > 0)
    except OSError as error:  # the checks above cannot foresee everything (a link, /proc)
        raise CliError(
            f"--rejects {rejects_path}: cannot open it ({error.strerror or error}): pass a "
            "path in a writable directory",
            exit_code=EXIT_USAGE,
        ) from None
    total_bytes = sum(_size(path) for path in files)
    try:
        with progress_bar(
            total_bytes=total_bytes, enabled=progress_enabled(), dry_run=args.dry_run
        ) as update:
            result = Migration(
                files=files,
                rejects=rejects,
                writer=writer,
                workers=args.workers,
                checkpoint_path=checkpoint_path,
                identity=identity,
                resume=resume,
                progress=update,
            ).run()
    finally:
        if writer is not None:
            writer.close()
        rejects.close()

    if result.tally.read == 0 and result.fatal is None and not result.interrupted:
        raise CliError(
            f"{args.source} holds no profile records (only empty files, lines or arrays): "
            "check SOURCE",
            exit_code=EXIT_USAGE,
        )
    for line in summary_lines(
        result.tally, dry_run=args.dry_run, rejects=rejects_path, unfinished=result.unfinished
    ):
        print(printable(line))
    if result.interrupted or result.fatal is not None:
        return report_stopped(
            interrupted=result.interrupted,
            fatal=result.fatal,
            next_step=f"; {result.unfinished} record(s) unfinished: "
            "run the same command with --resume to continue",
        )
    if result.tally.total_rejected or result.tally.total_not_written:
        return EXIT_FAILURE
    return EXIT_OK


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:  # a broken link: it becomes a reject, and is read as nothing
        return 0


def _skipped_note(names: list[str], *, shown: int = 10) -> str:
    listed = ", ".join(names[:shown])
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return (
        f"skipped {len(names)} entr{'y' if len(names) == 1 else 'ies'} that are not .json or "
        f".jsonl files (subdirectories are not read): {listed}{more}"
    )


def _resume_point(
    args: argparse.Namespace,
    checkpoint_path: Path | None,
    rejects_path: Path,
    identity: tuple[str, str, str],
) -> Resume:
    if checkpoint_path is None or not args.resume:
        return Resume()
    try:
        checkpoint = cp.load(checkpoint_path)
        if checkpoint is None:
            print(
                f"ddbctl migrate-profiles: no checkpoint at {checkpoint_path}; starting from "
                "the beginning",
                file=sys.stderr,
            )
            return Resume()
        source, table, fingerprint = identity
        cp.require_same_run(
            checkpoint, path=checkpoint_path, source=source, table=table, fingerprint_=fingerprint
        )
    except cp.CheckpointError as error:
        raise CliError(str(error), exit_code=EXIT_USAGE) from None
    kept = _kept_rejects(rejects_path, checkpoint, checkpoint_path)
    return Resume(next_seq=checkpoint.next_seq, kept=kept)


def _kept_rejects(rejects_path: Path, checkpoint: cp.Checkpoint, checkpoint_path: Path) -> dict:
    """The stopped run's rejects before the checkpoint: the resumed summary counts its
    not-written records from them, so they must be there and readable."""
    if checkpoint.next_seq > 0 and not rejects_path.is_file():
        raise CliError(
            f"the stopped run's rejects file {rejects_path} is missing, and it lists records "
            "that run did not write: restore it (or pass its path with --rejects), or run "
            "without --resume",
            exit_code=EXIT_USAGE,
        )
    try:
        cp.require_rejects_unchanged(checkpoint, path=checkpoint_path, rejects=rejects_path)
        trimmed = cp.trim_rejects(rejects_path, checkpoint.next_seq)
        # The file is shorter now: record that at once, so a resume that stops before its
        # first save (endpoint down, say) can itself be resumed.
        cp.save(
            checkpoint_path,
            dataclasses.replace(
                checkpoint, rejects_size=trimmed.size, rejects_sha256=trimmed.sha256
            ),
        )
        kept = trimmed.kept
    except cp.CheckpointError as error:
        raise CliError(str(error), exit_code=EXIT_USAGE) from None
    except OSError as error:
        raise CliError(
            f"cannot read the stopped run's rejects file {rejects_path} ({error.strerror}): fix "
            "its permissions, or run without --resume",
            exit_code=EXIT_USAGE,
        ) from None
    unreadable = kept.get((REJECTED, UNREADABLE))
    if unreadable:
        raise CliError(
            f"the stopped run could not read {unreadable[0]} input file(s) (code unreadable in "
            f"{rejects_path}); their records were never numbered, so a resume would misplace "
            "every later one: fix those files and run without --resume",
            exit_code=EXIT_USAGE,
        )
    return kept


def _require_table(client, table_name: str, endpoint_url: str | None, *, env: str) -> None:
    """The table exists and takes the items' keys: a wrong-schema table would refuse every
    batch, so it is refused before anything is written."""
    where = endpoint_url or "AWS"
    try:
        description = client.describe_table(TableName=table_name)["Table"]
    except client.exceptions.ResourceNotFoundException:
        raise CliError(
            f"table {table_name} does not exist at {where}: deploy it with "
            f"`cdk deploy --context env={env}` (or create the table in DynamoDB Local) first"
        ) from None
    problem = schema_problem(description)
    if problem is not None:
        raise CliError(
            f"table {table_name} at {where} {problem}, so it would refuse every item; nothing "
            "was written: point --env/--endpoint-url at the agent-profiles table, or recreate "
            "the table with the catalog's key schema"
        )

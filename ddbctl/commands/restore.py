"""``ddbctl restore``: restore a table into a new one, rehearse it, or plan its adoption.

Exit codes: 0 restored and verified (or drill passed, or plan printed); 1 a
refusal, a failed check or an AWS error; 2 a usage error. Without ``--yes`` in
staging or prod it prints what it would do and exits 1: nothing was done.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

import catalog
from catalog import TableSpec
from ddbctl.context import CommandContext
from ddbctl.endpoint import is_loopback, require_local_endpoint
from ddbctl.errors import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, CliError
from ddbctl.local_state import state_dir
from ddbctl.parser import add_env_arguments
from ddbctl.recovery import adopt, drill
from ddbctl.recovery.encryption import kms_client, resolve_key_arn
from ddbctl.recovery.names import is_restored_name, restored_name
from ddbctl.recovery.point import BACKUP, LATEST, TIME, RestorePoint, iso_time_argument
from ddbctl.recovery.request import RestorePlan
from ddbctl.recovery.restore import (
    RestoreOutcome,
    check_plan,
    finish_restore,
    start_restore,
)
from ddbctl.verification import LABELS
from settings.environment import table_name_problem


def _table_name_argument(value: str) -> str:
    problem = table_name_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "restore",
        help="restore a table into a new one (PITR or backup), run the drill, or plan adoption",
        description="Restore --table into a new table ({physical name}-restored-{UTC time} "
        "unless --as) with the environment's CMK and the catalog's billing and GSIs; wait "
        "for ACTIVE; re-apply TTL, PITR, deletion protection and tags; run verify's checks "
        "on it and print its item count beside the source's. Never writes to the source. "
        "--drill restores to a scratch table, verifies, counts, deletes it and writes a "
        "JSON report. --adopt-plan checks a restored table can replace the original and "
        "prints the commands. Staging and prod need --yes. Exit 0 ok, 1 failure or "
        "refusal, 2 usage error.",
    )
    add_env_arguments(parser, default_env=None)
    parser.add_argument("--table", metavar="KEY", help="catalog key, e.g. agent-profiles")
    point = parser.add_mutually_exclusive_group()
    point.add_argument(
        "--to-time", type=iso_time_argument, metavar="ISO-8601", help="restore as of this time"
    )
    point.add_argument("--latest", action="store_true", help="latest restorable time")
    point.add_argument("--backup-arn", metavar="ARN", help="restore a DynamoDB backup")
    parser.add_argument(
        "--as", dest="target", type=_table_name_argument, metavar="NAME", help="new table name"
    )
    parser.add_argument(
        "--kms-key", metavar="ARN", help="CMK ARN (default: found via the environment's alias)"
    )
    parser.add_argument("--yes", action="store_true", help="needed in staging and prod")
    modes = parser.add_mutually_exclusive_group()
    modes.add_argument("--drill", action="store_true", help="rehearse: restore, check, delete")
    modes.add_argument(
        "--adopt-plan", action="store_true", help="check --restored can replace the table"
    )
    parser.add_argument("--all", action="store_true", help="--drill: every catalog table")
    parser.add_argument(
        "--restored", type=_table_name_argument, metavar="NAME", help="--adopt-plan: the table"
    )
    parser.add_argument(
        "--report", type=Path, metavar="PATH", help="--drill: JSON report (default: state dir)"
    )
    parser.add_argument(
        "--allow-count-drift",
        type=int,
        default=0,
        metavar="N",
        help="--drill: items the restored count may differ from the source's (live writes)",
    )
    parser.add_argument("--poll-seconds", type=float, default=10.0, help=argparse.SUPPRESS)
    parser.set_defaults(handler=run)


def _usage(args: argparse.Namespace, message: str) -> CliError:
    return CliError(f"{message} (see ddbctl restore --help)", exit_code=EXIT_USAGE)


def _spec(key: str) -> TableSpec:
    try:
        return catalog.table(key)
    except KeyError as error:
        raise CliError(f"{error.args[0]}: pass a catalog key with --table") from None


def _point(args: argparse.Namespace) -> RestorePoint:
    if args.to_time is not None:
        return RestorePoint(kind=TIME, time=args.to_time.astimezone(UTC))
    if args.backup_arn:
        return RestorePoint(kind=BACKUP, backup_arn=args.backup_arn)
    return RestorePoint(kind=LATEST)


def _confirmed(context: CommandContext, args: argparse.Namespace, what: str) -> bool:
    if args.yes or not context.config.protected:
        return True
    print(f"would {what} in {context.config.name}: nothing done; re-run with --yes to do it")
    return False


def run(args: argparse.Namespace) -> int:
    if args.drill:
        return _run_drill(args)
    if args.adopt_plan:
        return _run_adopt_plan(args)
    if args.all or args.restored or args.report:
        raise _usage(args, "--all, --restored and --report go with --drill or --adopt-plan")
    if not args.table:
        raise _usage(args, "--table is required")
    if not (args.to_time or args.latest or args.backup_arn):
        raise _usage(args, "say what to restore: --to-time, --latest or --backup-arn")
    spec = _spec(args.table)
    context = CommandContext.from_args(env=args.env, endpoint_url=args.endpoint_url)
    require_local_endpoint(context.endpoint_url)
    client = context.client()
    source = context.table_name(spec)
    target = args.target or restored_name(source, at=datetime.now(UTC))
    point = _point(args)
    key_arn = resolve_key_arn(
        kms_client(region=context.config.region, endpoint_url=context.endpoint_url),
        environment=context.config.name,
        given=args.kms_key,
        local=is_loopback(context.endpoint_url),
    )
    plan = RestorePlan(
        spec=spec,
        config=context.config,
        source_name=source,
        target_name=target,
        point=point,
        kms_key_arn=key_arn,
    )
    check_plan(client, plan)
    if not _confirmed(context, args, plan.describe()):
        return EXIT_FAILURE
    if not is_restored_name(source, target):
        print(
            f"note: {target} is outside {source}-restored-*, where the recovery-operator role "
            "may create tables",
            file=sys.stderr,
        )
    start_restore(client, plan)
    try:
        outcome = finish_restore(
            client,
            plan,
            local_endpoint=is_loopback(context.endpoint_url),
            poll_seconds=args.poll_seconds,
        )
    except KeyboardInterrupt:
        print(
            f"ddbctl restore: interrupted: the restore into {target} goes on in AWS, without "
            "TTL, PITR, deletion protection or tags: delete that table, or restore again",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    _print_outcome(outcome)
    return EXIT_FAILURE if outcome.failed else EXIT_OK


def _print_outcome(outcome: RestoreOutcome) -> None:
    report = outcome.report
    assert report is not None
    width = max(len(check.name) for check in report.checks)
    print(f"\nverify {report.table_name}")
    for check in report.checks:
        detail = f"  ({check.detail})" if check.detail else ""
        print(f"  {check.name:<{width}}  {LABELS[check.status]}{detail}")
    print(
        f"items: {outcome.restored_items} in {outcome.plan.target_name}, "
        f"{outcome.source_items} in {outcome.plan.source_name} now"
    )
    print("FAILED: the restored table does not match the catalog" if outcome.failed else "OK")


def _run_drill(args: argparse.Namespace) -> int:
    if args.to_time or args.latest or args.backup_arn or args.target or args.restored:
        raise _usage(args, "--drill restores the latest time into a scratch table of its own")
    if bool(args.table) == bool(args.all):
        raise _usage(args, "--drill needs --table KEY or --all")
    specs = list(catalog.TABLES) if args.all else [_spec(args.table)]
    context = CommandContext.from_args(env=args.env, endpoint_url=args.endpoint_url)
    require_local_endpoint(context.endpoint_url)
    names = ", ".join(context.table_name(spec) for spec in specs)
    if not _confirmed(context, args, f"drill a restore of {names}"):
        return EXIT_FAILURE
    client = context.client()
    key_arn = resolve_key_arn(
        kms_client(region=context.config.region, endpoint_url=context.endpoint_url),
        environment=context.config.name,
        given=args.kms_key,
        local=is_loopback(context.endpoint_url),
    )
    started = datetime.now(UTC)
    results = []
    for spec in specs:
        result = drill.drill_table(
            client,
            spec=spec,
            config=context.config,
            kms_key_arn=key_arn,
            local_endpoint=is_loopback(context.endpoint_url),
            allowed_drift=args.allow_count_drift,
            poll_seconds=args.poll_seconds,
            say=lambda line: print(line, file=sys.stderr),
        )
        results.append(result)
        print(drill.summary_line(result))
    document = drill.report_document(context.config, results, started=started)
    path = drill.resolve_report_path(args.report, state=state_dir(), config=context.config)
    try:
        drill.write_report(path, document)
    except OSError as error:
        raise CliError(
            f"cannot write the drill report {path} ({error.strerror}): pass --report"
        ) from None
    print(f"report: {path}")
    print("OK" if document["ok"] else "FAILED: see the report")
    return EXIT_OK if document["ok"] else EXIT_FAILURE


def _run_adopt_plan(args: argparse.Namespace) -> int:
    if not args.table or not args.restored:
        raise _usage(args, "--adopt-plan needs --table KEY and --restored NAME")
    spec = _spec(args.table)
    context = CommandContext.from_args(env=args.env, endpoint_url=args.endpoint_url)
    require_local_endpoint(context.endpoint_url)
    plan = adopt.plan_adoption(
        context.client(), spec=spec, config=context.config, restored=args.restored
    )
    print(
        f"{args.restored} has the catalog's keys and indexes for {spec.key}; "
        f"the lock places it at {plan.stack}/{plan.logical_id}. Commands:"
    )
    for step in plan.steps():
        print(step)
    return EXIT_OK

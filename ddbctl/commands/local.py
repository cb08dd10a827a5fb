"""``ddbctl local up|status|down``: the whole data layer on this machine, no AWS account.

``up`` starts DynamoDB Local in the background (moto's server when Java is
missing), creates the environment's catalog tables as the stacks define them,
seeds the sample data and prints where to point boto3. ``down`` stops exactly
the process ``up`` recorded.

Exit codes: 0 success (``down`` with nothing running is a success: the server
is stopped); 1 failure (including ``down`` when the port belongs to a process
ddbctl did not start); 2 usage error; ``status`` returns 3 when not running.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ddbctl import local_server
from ddbctl.client import dynamodb_client
from ddbctl.context import ENDPOINT_VARIABLE, CommandContext
from ddbctl.endpoint import DEFAULT_PORT
from ddbctl.environment_tables import create_environment_tables, summarize
from ddbctl.errors import EXIT_OK, EXIT_USAGE, CliError
from ddbctl.local_server import (
    BACKEND_LABELS,
    DYNAMODB_LOCAL,
    MIN_JAVA,
    MOTO,
    LocalServer,
    LocalServerError,
    is_dynamodb,
    port_in_use,
)
from ddbctl.local_state import (
    PortBusyError,
    ServerRecord,
    StateDirError,
    is_our_server,
    log_path_for,
    port_lock,
    stop_process,
)
from ddbctl.parser import OneLineParser, whole_number
from ddbctl.recovery.encryption import ensure_data_key, key_alias, kms_client
from ddbctl.render import aligned
from ddbctl.seeding import SEEDING_ERRORS, seed_environment
from ddbctl.verification import FAILED, verify_table
from settings import ENVIRONMENT_NAMES, EnvironmentConfig
from settings.environment import sample_data_refusal

AUTO = "auto"
EXPOSURE_NOTE = (
    "note: DynamoDB Local listens on every network interface (it has no bind option); "
    "on an untrusted network use --backend moto (127.0.0.1 only) or a firewall"
)
EXIT_NOT_RUNNING = 3
REUSE_WAIT_SECONDS = 30.0


port_number = whole_number(
    minimum=1, maximum=65535, says="invalid port {text!r}: use a number {bounds}"
)


def _add_port(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port",
        type=port_number,
        default=DEFAULT_PORT,
        help=f"port of the endpoint http://127.0.0.1:PORT; one server per port "
        f"(default {DEFAULT_PORT})",
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "local",
        help="run DynamoDB Local with the catalog's tables (up, status, down)",
        description="Run the data layer on this machine: DynamoDB Local (Java 17+) or, "
        "without Java, moto's server. Exit codes: 0 ok, 1 failure, 2 usage, "
        "3 (status) not running.",
    )
    actions = parser.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=OneLineParser
    )

    up = actions.add_parser(
        "up",
        help="start the server (or reuse it), create the tables, seed, report",
        description="Start DynamoDB Local in the background, reached at 127.0.0.1 (reusing "
        "a running one on the same port), create every missing catalog table for --env with "
        "the template's keys, GSIs, TTL and deletion protection, seed the sample data, and "
        "print a summary with the endpoint to export. DynamoDB Local listens on every "
        "interface; --backend moto binds to 127.0.0.1 only.",
    )
    up.add_argument(
        "--env",
        choices=ENVIRONMENT_NAMES,
        default="dev",
        help="whose table names and settings to create (default dev)",
    )
    _add_port(up)
    up.add_argument(
        "--db-path",
        type=Path,
        default=None,
        metavar="DIR",
        help="keep the data in DIR across restarts (default: in memory)",
    )
    up.add_argument("--no-seed", action="store_true", help="create the tables but leave them empty")
    up.add_argument(
        "--backend",
        choices=(AUTO, DYNAMODB_LOCAL, MOTO),
        default=AUTO,
        help="auto (default): DynamoDB Local when Java 17+ is installed, else moto; "
        "moto binds to 127.0.0.1 only but keeps data in memory only",
    )
    up.set_defaults(handler=run_up)

    status = actions.add_parser(
        "status",
        help="is a server running on --port, and what it holds",
        description="Report the server ddbctl started on --port: pid, endpoint, backend, "
        "tables. Exit 0 when running, 3 when not.",
    )
    _add_port(status)
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(handler=run_status)

    down = actions.add_parser(
        "down",
        help="stop the server ddbctl started on --port",
        description="Stop the server recorded for --port (SIGTERM, then SIGKILL after 10 s) "
        "and remove its record. Nothing running is not an error (exit 0); a port held by "
        "a process ddbctl did not start is left alone (exit 1). In-memory data is lost.",
    )
    _add_port(down)
    down.set_defaults(handler=run_down)


def _label(record: ServerRecord) -> str:
    return BACKEND_LABELS.get(record.backend, BACKEND_LABELS[DYNAMODB_LOCAL])


# --- seeding -----------------------------------------------------------------


def _seed(client: Any, config: EnvironmentConfig) -> dict[str, int]:
    try:
        return seed_environment(client=client, config=config)
    except SEEDING_ERRORS as error:
        raise CliError(str(error)) from None


# --- server ------------------------------------------------------------------


def _reuse(record: ServerRecord, db_path: Path | None, backend: str) -> ServerRecord:
    if backend not in (AUTO, record.backend):
        raise CliError(
            f"the server on port {record.port} is {_label(record)}, not "
            f"{BACKEND_LABELS[backend]}: run `ddbctl local down --port {record.port}` first, "
            "or pick another --port"
        )
    if db_path is not None and str(db_path) != record.db_path:
        where = record.db_path or "memory"
        raise CliError(
            f"the server on port {record.port} keeps its data in {where}: run "
            f"`ddbctl local down --port {record.port}` first, or pick another --port"
        )
    deadline = time.monotonic() + REUSE_WAIT_SECONDS
    while not is_dynamodb(record.endpoint):
        if time.monotonic() > deadline:
            raise CliError(
                f"pid {record.pid} on port {record.port} does not answer: run "
                f"`ddbctl local down --port {record.port}` and try again"
            )
        time.sleep(0.2)
    print(f"reusing {_label(record)} (pid {record.pid}) at {record.endpoint}")
    return record


@contextlib.contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C until the block ends: between spawning a server and recording it, an
    interrupt would leave a server running that no record names and `down` cannot stop.
    The interrupt is raised as soon as the block is done (the record then exists)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, _frame: caught.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def _spawn_server(
    port: int, db_path: Path | None, backend: str, log_path: Path, java: int | None
) -> LocalServer:
    has_java = java is not None and java >= MIN_JAVA
    if backend == DYNAMODB_LOCAL or (backend == AUTO and has_java):
        return LocalServer.start(port=port, db_path=db_path, log_path=log_path, detach=True)
    if backend == MOTO:
        return LocalServer.start_moto(port=port, log_path=log_path, detach=True)
    if db_path is not None:
        raise CliError(
            f"--db-path needs DynamoDB Local, which needs Java {MIN_JAVA}+ (found "
            f"{java or 'none'}): install openjdk-17-jre-headless, or drop --db-path"
        )
    print(
        f"Java {MIN_JAVA}+ not found (found {java or 'none'}): falling back to moto's "
        "standalone server (in memory; install Java for DynamoDB Local)"
    )
    return LocalServer.start_moto(port=port, log_path=log_path, detach=True)


def _start(port: int, db_path: Path | None, backend: str) -> ServerRecord:
    """Start a server and record it at once, before waiting for it to answer: whatever
    happens next, `status` sees it and `down` can stop it. If it never gets ready (or
    Ctrl-C comes first) it is stopped and its record removed."""
    log_path = log_path_for(port)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    java = local_server.java_major()
    if backend == MOTO and db_path is not None:
        raise CliError("--db-path needs DynamoDB Local: drop --db-path, or drop --backend moto")
    server: LocalServer | None = None
    record: ServerRecord | None = None
    try:
        with _interrupts_deferred():
            server = _spawn_server(port, db_path, backend, log_path, java)
            record = ServerRecord(
                pid=server.process.pid,
                port=port,
                endpoint=server.endpoint,
                backend=server.backend,
                db_path=str(db_path) if db_path else None,
                log_path=str(log_path),
                started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            )
            record.save()
        server.wait_ready()
    except LocalServerError as error:
        _discard(server, record)
        raise CliError(f"{error} (log: {log_path})") from None
    except BaseException:
        _discard(server, record)
        raise
    print(f"started {server.label} (pid {record.pid}) at {record.endpoint}")
    return record


def _discard(server: LocalServer | None, record: ServerRecord | None) -> None:
    if server is not None:
        server.stop()
    if record is not None:
        record.remove()


def _stop_what_up_started(record: ServerRecord) -> None:
    """`up` failed or was interrupted after starting this server: stop it and drop its
    record, so nothing is left listening that `up` never reported."""
    try:
        stop_process(record.pid)
    except OSError as error:
        print(
            f"could not stop {_label(record)} (pid {record.pid}) that this `up` started "
            f"({error}): run `ddbctl local down --port {record.port}`"
        )
        return
    record.remove()
    print(f"stopped {_label(record)} (pid {record.pid}), which this `up` started: nothing left")


def ensure_server(
    *, port: int, db_path: Path | None, backend: str = AUTO
) -> tuple[ServerRecord, bool]:
    """The recorded server on ``port`` if it is still ours, else a newly started one; and
    whether this call started it."""
    record = ServerRecord.load(port)
    if record is not None:
        if is_our_server(record.pid, port):
            return _reuse(record, db_path, backend), False
        record.remove()
        print(f"removed the stale record for port {port}: pid {record.pid} is no longer running")
    if port_in_use(port):
        raise CliError(
            f"port {port} is in use by a process ddbctl did not start: pick another with --port"
        )
    return _start(port, db_path, backend), True


# --- up ----------------------------------------------------------------------


def _print_report(record: ServerRecord, config: EnvironmentConfig, client: Any) -> None:
    rows = [
        [
            summary.table_name,
            summary.key,
            "missing" if summary.items is None else str(summary.items),
            summary.ttl or "-",
            ", ".join(summary.indexes) or "-",
        ]
        for summary in summarize(client, config)
    ]
    print(f"\n{config.name} tables on {_label(record)} ({record.db_path or 'in memory'}):")
    print(aligned(["table", "key", "items", "ttl", "indexes"], rows))
    print(f"\nendpoint: {record.endpoint}")
    print("point boto3, the AWS CLI and ddbctl at it:")
    print(f"  export {ENDPOINT_VARIABLE}={record.endpoint}")
    if record.backend == MOTO:
        print(f"  export AWS_ENDPOINT_URL_S3={record.endpoint}  # moto serves S3 here too")
    print(f"  export AWS_DEFAULT_REGION={config.region}")
    print("  # no AWS account? any credentials work locally:")
    print("  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local")
    print(f"stop it with: ddbctl local down --port {record.port}")
    if record.backend == DYNAMODB_LOCAL:
        print(EXPOSURE_NOTE)


def _db_path(given: Path) -> Path:
    """``given`` made absolute and usable as DynamoDB Local's database directory."""
    try:
        # Absolute: DynamoDB Local runs from its own directory, where a relative path would land.
        db_path = given.resolve()
        _require_db_dir(given, db_path)
    except OSError as error:
        if error.errno == errno.ENAMETOOLONG:
            raise CliError(
                f"--db-path is {len(str(given))} characters, longer than this system allows: "
                "give a shorter path",
                exit_code=EXIT_USAGE,
            ) from None
        raise CliError(
            f"--db-path {given}: {error.strerror or error}: give a directory you can write"
        ) from None
    return db_path


def _require_db_dir(given: Path, db_path: Path) -> None:
    """DynamoDB Local does not say why it cannot open its database; it just never answers."""
    if db_path.exists() and not db_path.is_dir():
        raise CliError(f"--db-path {given} is a file: give a directory")
    try:
        db_path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CliError(
            f"--db-path {given}: cannot create it ({error.strerror or error}): give a "
            "directory you can write"
        ) from None
    if not os.access(db_path, os.W_OK | os.X_OK):
        raise CliError(f"--db-path {given} is not writable: give a directory you can write")


def _require_catalog_shape(
    client: Any, config: EnvironmentConfig, present: list[Any], record: ServerRecord
) -> None:
    """A table left from an older catalog (other keys or indexes) would make seeding and
    every query fail obscurely; say which table differs and how to start clean."""
    for table in present:
        report = verify_table(client, table.spec, config, read_only=True)
        drift = [
            f"{check.name}: {check.detail}"
            for check in report.checks
            if check.status == FAILED
            and (check.name == "key schema" or check.name.startswith("index "))
        ]
        if drift:
            start_clean = (
                f"`ddbctl local down --port {record.port}` and `up` again"
                if record.db_path is None
                else f"delete the table (or {record.db_path}) and run `up` again"
            )
            raise CliError(
                f"{table.table_name} already exists on this server with another shape "
                f"({'; '.join(drift)}): {start_clean}"
            )


def run_up(args: argparse.Namespace) -> int:
    config = CommandContext.from_args(env=args.env, endpoint_url=None).config
    seed = not args.no_seed and sample_data_refusal(config) is None
    db_path = _db_path(args.db_path) if args.db_path is not None else None
    with _locked(args.port):
        return _up(args, config=config, db_path=db_path, seed=seed)


@contextlib.contextmanager
def _locked(port: int) -> Iterator[None]:
    try:
        with port_lock(port):
            yield
    except (StateDirError, PortBusyError) as error:
        raise CliError(str(error)) from None


def _up(
    args: argparse.Namespace, *, config: EnvironmentConfig, db_path: Path | None, seed: bool
) -> int:
    record, started = ensure_server(port=args.port, db_path=db_path, backend=args.backend)
    try:
        _prepare(args, config=config, record=record, seed=seed)
    except BaseException:
        if started:
            _stop_what_up_started(record)
        raise
    return EXIT_OK


def _prepare(
    args: argparse.Namespace, *, config: EnvironmentConfig, record: ServerRecord, seed: bool
) -> None:
    client = dynamodb_client(region=config.region, endpoint_url=record.endpoint)
    tables = create_environment_tables(client, config)
    created = [t.table_name for t in tables if t.created]
    print(f"created {len(created)} table(s), {len(tables) - len(created)} already present")
    _require_catalog_shape(client, config, [t for t in tables if not t.created], record)
    if seed:
        counts = _seed(client, config)
        print(f"seeded {sum(counts.values())} item(s) into {len(counts)} table(s)")
    elif not args.no_seed:
        print(f"tables left empty: {sample_data_refusal(config)}")
    if record.backend == MOTO:
        kms = kms_client(region=config.region, endpoint_url=record.endpoint)
        _, created = ensure_data_key(kms, environment=config.name)
        state = "created" if created else "already present"
        print(f"data key {key_alias(config.name)}: {state} (restore finds it without --kms-key)")
    _print_report(record, config, client)


# --- status ------------------------------------------------------------------


def _table_names(record: ServerRecord) -> list[str]:
    client = dynamodb_client(region="us-east-1", endpoint_url=record.endpoint)
    paginator = client.get_paginator("list_tables")
    return [name for page in paginator.paginate() for name in page["TableNames"]]


def run_status(args: argparse.Namespace) -> int:
    record = ServerRecord.load(args.port)
    running = record is not None and is_our_server(record.pid, args.port)
    answering = running and is_dynamodb(record.endpoint)
    report: dict[str, Any] = {"port": args.port, "running": bool(answering)}
    if running:
        report |= {
            "pid": record.pid,
            "endpoint": record.endpoint,
            "backend": record.backend,
            "db_path": record.db_path,
            "log_path": record.log_path,
            "started_at": record.started_at,
        }
    if answering:
        report["tables"] = _table_names(record)
    if args.json:
        print(json.dumps(report, indent=2))
    elif answering:
        print(
            f"running: {_label(record)} (pid {record.pid}) at "
            f"{record.endpoint}, {record.db_path or 'in memory'}, "
            f"{len(report['tables'])} table(s), since {record.started_at}"
        )
    elif running:
        print(f"not answering: pid {record.pid} is alive but {record.endpoint} does not respond")
    else:
        stale = f" (stale record for pid {record.pid})" if record else ""
        print(f"not running on port {args.port}{stale}")
    return EXIT_OK if answering else EXIT_NOT_RUNNING


# --- down --------------------------------------------------------------------


def run_down(args: argparse.Namespace) -> int:
    with _locked(args.port):
        return _down(args)


def _down(args: argparse.Namespace) -> int:
    record = ServerRecord.load(args.port)
    if record is None:
        if port_in_use(args.port):
            raise CliError(
                f"port {args.port} is held by a process ddbctl did not start: left alone"
            )
        print(f"nothing running on port {args.port}")
        return EXIT_OK
    if not is_our_server(record.pid, args.port):
        record.remove()
        print(f"removed the stale record for port {args.port}: pid {record.pid} is not running")
        return EXIT_OK
    try:
        outcome = stop_process(record.pid)
    except OSError as error:
        raise CliError(f"could not stop pid {record.pid}: {error}") from None
    record.remove()
    lost = "" if record.db_path else "; its in-memory data is gone"
    print(f"{_label(record)} (pid {record.pid}) on port {args.port}: {outcome}{lost}")
    return EXIT_OK

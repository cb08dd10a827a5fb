"""Follow a bulk put until it ends, with a progress bar at a terminal."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ddbctl.bulk.operation import TERMINAL, describe
from ddbctl.migrate.report import progress_enabled
from ddbctl.progress import stderr_progress

POLL_SECONDS = 15.0  # the operation runs for minutes to hours; DescribeBulkOperation is cheap


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def status_line(operation: dict[str, Any]) -> str:
    processed = operation.get("ProcessedItemCount", 0)
    failed = operation.get("FailedItemCount", 0)
    read = operation.get("ProcessedInputBytes", 0)
    total = operation.get("TotalInputBytes")
    of_total = f" of {total:,}" if total is not None else ""
    line = (
        f"{operation.get('BulkOperationStatus', '?')}: {processed:,} item(s) processed, "
        f"{failed:,} failed, {read:,}{of_total} input bytes read"
    )
    if operation.get("FailureCode"):
        line += f"; {operation['FailureCode']}: {operation.get('FailureMessage', '')}"
    return line


def watch(
    client: Any,
    arn: str,
    *,
    poll_seconds: float = POLL_SECONDS,
    sleep: Callable[[float], None] | None = None,
    enabled: bool | None = None,
) -> dict[str, Any]:
    """The operation's final description. KeyboardInterrupt propagates: the operation goes
    on in DynamoDB, and the caller says how to re-attach or cancel."""
    sleep = sleep or _sleep
    show = progress_enabled() if enabled is None else enabled
    if not show:
        return _poll(client, arn, poll_seconds, sleep, lambda operation: None)
    with stderr_progress("bulk put") as progress:
        task = progress.add_task("bulk", total=None, status="starting")

        def update(operation: dict[str, Any]) -> None:
            progress.update(
                task,
                total=operation.get("TotalInputBytes"),
                completed=operation.get("ProcessedInputBytes", 0),
                status=status_line(operation),
            )

        return _poll(client, arn, poll_seconds, sleep, update)


def _poll(
    client: Any,
    arn: str,
    poll_seconds: float,
    sleep: Callable[[float], None],
    update: Callable[[dict[str, Any]], None],
) -> dict[str, Any]:
    while True:
        operation = describe(client, arn)
        update(operation)
        if operation.get("BulkOperationStatus") in TERMINAL:
            return operation
        sleep(poll_seconds)

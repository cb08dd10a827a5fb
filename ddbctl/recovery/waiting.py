"""Wait for a restored table (and each of its indexes) to be ACTIVE, showing progress.

A restore takes minutes to hours; the spinner names the table's and the
indexes' status so an operator can tell a slow restore from a stuck one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


def _status(table: dict[str, Any]) -> tuple[bool, str]:
    indexes = table.get("GlobalSecondaryIndexes") or []
    pending = [i["IndexName"] for i in indexes if i.get("IndexStatus") != "ACTIVE"]
    status = table.get("TableStatus", "?")
    text = f"{status}" + (f", indexes not yet ACTIVE: {', '.join(pending)}" if pending else "")
    return status == "ACTIVE" and not pending, text


def wait_active(
    client: Any,
    table_name: str,
    *,
    poll_seconds: float = 10.0,
    console: Console | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """DescribeTable until ACTIVE; returns the last description."""
    console = console or Console(stderr=True)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task(f"restoring {table_name}", total=None)
        while True:
            table = client.describe_table(TableName=table_name)["Table"]
            done, text = _status(table)
            progress.update(task, description=f"restoring {table_name}: {text}")
            if done:
                return table
            sleep(poll_seconds)

"""The restore drill: restore to a scratch table, verify, count, always delete it.

The scratch table is named ``{physical}-restored-drill-{stamp}``, inside the
recovery-operator's grants. Deleting it runs in ``finally``: a failed check, an
AWS error or Ctrl-C still removes it (deletion protection is lifted first,
because the drill applies the environment's settings to test them).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from catalog import TableSpec
from ddbctl.errors import CliError
from ddbctl.recovery.names import drill_name
from ddbctl.recovery.point import LATEST, RestorePoint, iso
from ddbctl.recovery.request import RestorePlan
from ddbctl.recovery.restore import (
    check_plan,
    finish_restore,
    start_restore,
    table_exists,
)
from ddbctl.verification import FAILED, as_dict
from settings import EnvironmentConfig


@dataclass
class DrillResult:
    key: str
    source: str
    scratch: str
    ok: bool = False
    error: str | None = None
    seconds: float = 0.0
    source_items: int | None = None
    restored_items: int | None = None
    failed_checks: list[str] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False


def delete_scratch(client: Any, table_name: str, *, poll_seconds: float, timeout: float) -> bool:
    """Lift deletion protection, delete, and wait until the table is gone."""
    if not table_exists(client, table_name):
        return True
    client.update_table(TableName=table_name, DeletionProtectionEnabled=False)
    with contextlib.suppress(client.exceptions.ResourceNotFoundException):
        client.delete_table(TableName=table_name)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not table_exists(client, table_name):
            return True
        time.sleep(poll_seconds)
    return False


def drill_table(
    client: Any,
    *,
    spec: TableSpec,
    config: EnvironmentConfig,
    kms_key_arn: str,
    local_endpoint: bool,
    allowed_drift: int,
    poll_seconds: float,
    say: Callable[[str], None],
) -> DrillResult:
    source = config.table_name(spec)
    scratch = drill_name(source, at=datetime.now(UTC))
    result = DrillResult(key=spec.key, source=source, scratch=scratch)
    plan = RestorePlan(
        spec=spec,
        config=config,
        source_name=source,
        target_name=scratch,
        point=RestorePoint(kind=LATEST),
        kms_key_arn=kms_key_arn,
    )
    started = time.monotonic()
    created = False
    try:
        check_plan(client, plan)
        start_restore(client, plan)
        created = True
        outcome = finish_restore(
            client, plan, local_endpoint=local_endpoint, poll_seconds=poll_seconds, say=say
        )
        report = outcome.report
        assert report is not None
        result.checks = as_dict([report])[0]["checks"]
        result.failed_checks = [c.name for c in report.checks if c.status == FAILED]
        result.source_items = outcome.source_items
        result.restored_items = outcome.restored_items
        drift = abs((outcome.source_items or 0) - (outcome.restored_items or 0))
        if drift > allowed_drift:
            result.failed_checks.append("item count")
        result.ok = not result.failed_checks
    except (CliError, ClientError, BotoCoreError) as error:
        result.error = str(error)
    finally:
        result.seconds = round(time.monotonic() - started, 1)
        # Only a table this drill created is deleted: never one that was there before.
        try:
            result.deleted = not created or delete_scratch(
                client, scratch, poll_seconds=poll_seconds, timeout=max(60.0, poll_seconds * 30)
            )
        except (ClientError, BotoCoreError) as error:
            result.error = (result.error + "; " if result.error else "") + f"delete: {error}"
        if not result.deleted:
            result.ok = False
    return result


def write_report(path: Path, document: dict[str, Any]) -> None:
    """Atomically: a reader never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(document, stream, indent=2)
        stream.write("\n")
    os.replace(temporary, path)


def report_document(
    config: EnvironmentConfig, results: list[DrillResult], *, started: datetime
) -> dict[str, Any]:
    return {
        "environment": config.name,
        "started_at": iso(started),
        "finished_at": iso(datetime.now(UTC)),
        "ok": bool(results) and all(r.ok for r in results),
        "tables": [asdict(r) for r in results],
    }


def summary_line(result: DrillResult) -> str:
    counts = f"items {result.restored_items} restored / {result.source_items} source"
    left = "scratch deleted" if result.deleted else f"SCRATCH TABLE LEFT: {result.scratch}"
    if result.error:
        return f"{result.key}: FAIL ({result.error}); {left}"
    if not result.ok:
        return f"{result.key}: FAIL ({', '.join(result.failed_checks)}); {counts}; {left}"
    return f"{result.key}: ok in {result.seconds}s; {counts}; {left}"


def resolve_report_path(given: Path | None, *, state: Path, config: EnvironmentConfig) -> Path:
    if given is not None:
        return given
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return state / f"restore-drill-{config.name}-{stamp}.json"

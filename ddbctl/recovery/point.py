"""Which moment to restore, and the refusals that come before any table is made.

A restore to a time outside the PITR window, or from a source without PITR, is
refused with the window DescribeContinuousBackups reports, so the operator can
pick a time that works without a second lookup.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ddbctl.errors import CliError

LATEST = "latest"
TIME = "time"
BACKUP = "backup"
# DynamoDB's own backups: arn:aws:dynamodb:<region>:<account>:table/<name>/backup/<id>
DYNAMODB_BACKUP_ARN = re.compile(
    r"^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table/(?P<table>[A-Za-z0-9_.-]+)/backup/[\w.-]+$"
)


@dataclass(frozen=True)
class RestorePoint:
    kind: str
    time: datetime | None = None
    backup_arn: str | None = None

    def describe(self) -> str:
        if self.kind == TIME and self.time is not None:
            return f"as of {iso(self.time)}"
        if self.kind == BACKUP:
            return f"from backup {self.backup_arn}"
        return "as of the latest restorable time"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_time_argument(value: str) -> datetime:
    """argparse ``type=`` for --to-time: ISO-8601 with a time zone, as an aware datetime."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an ISO-8601 time: use e.g. 2026-12-01T20:30:00Z"
        ) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f"{value!r} has no time zone: add Z for UTC, e.g. {value}Z"
        )
    return moment


def pitr_window(client: Any, table_name: str) -> tuple[datetime, datetime]:
    """(earliest, latest) restorable times; a source without PITR is refused."""
    description = client.describe_continuous_backups(TableName=table_name)
    pitr = description["ContinuousBackupsDescription"].get("PointInTimeRecoveryDescription", {})
    if pitr.get("PointInTimeRecoveryStatus") != "ENABLED":
        raise CliError(
            f"{table_name} has no point-in-time recovery (status "
            f"{pitr.get('PointInTimeRecoveryStatus', 'unknown')}): restore from a backup with "
            "--backup-arn instead"
        )
    return pitr["EarliestRestorableDateTime"], pitr["LatestRestorableDateTime"]


def check_point(client: Any, *, source_name: str, point: RestorePoint) -> None:
    """Refuse, in one line, a restore DynamoDB would refuse or that would restore the wrong data."""
    if point.kind == BACKUP:
        match = DYNAMODB_BACKUP_ARN.match(point.backup_arn or "")
        if match is None:
            raise CliError(
                f"{point.backup_arn!r} is not a DynamoDB backup ARN (arn:aws:dynamodb:...:table/"
                "<name>/backup/<id>): restore an AWS Backup recovery point with AWS Backup's "
                "StartRestoreJob, or pass --to-time or --latest"
            )
        if match["table"] != source_name:
            raise CliError(
                f"backup {point.backup_arn} is of {match['table']}, not {source_name}: "
                "pass a backup of this table, or the matching --table"
            )
        return
    earliest, latest = pitr_window(client, source_name)
    if point.kind == TIME and point.time is not None and not earliest <= point.time <= latest:
        raise CliError(
            f"{iso(point.time)} is outside {source_name}'s restore window: earliest restorable "
            f"{iso(earliest)}, latest restorable {iso(latest)}"
        )

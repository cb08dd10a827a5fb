"""Names of restored and scratch tables: ``{physical name}-restored-*``.

The recovery-operator role may create, change and delete only tables that
match this pattern, so every name ddbctl makes up follows it.
"""

from __future__ import annotations

from datetime import UTC, datetime

RESTORED_INFIX = "-restored-"
DRILL_LABEL = "drill-"
MAX_TABLE_NAME = 255


def utc_stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def restored_name(physical_name: str, *, at: datetime, label: str = "") -> str:
    """E.g. ``dev-agent-profiles-restored-20261201T210000Z``."""
    return f"{physical_name}{RESTORED_INFIX}{label}{utc_stamp(at)}"


def drill_name(physical_name: str, *, at: datetime) -> str:
    return restored_name(physical_name, at=at, label=DRILL_LABEL)


def is_restored_name(physical_name: str, candidate: str) -> bool:
    """Whether the recovery-operator's grants cover ``candidate`` as a copy of ``physical_name``."""
    prefix = f"{physical_name}{RESTORED_INFIX}"
    return candidate.startswith(prefix) and len(candidate) > len(prefix)

"""Can the bulk put write this table? Checked before anything is staged.

The bulk put does not support a table that is part of a global table. A CDK ``TableV2``
(``AWS::DynamoDB::GlobalTable``) deployed to one region is, to DynamoDB, a regional table:
DescribeTable lists no replica in another region, so it is accepted. Any replica in
another region is refused.

Nor does it start while the table is being created, is creating a secondary index, is
moving to or from a global table, or is being restored (AWS's "Bulk put items
considerations": the table must be ACTIVE, or UPDATING for a change that does not
conflict). Those are refused here in one line, rather than by the service in its words.
"""

from __future__ import annotations

from typing import Any

from ddbctl.errors import CliError


def other_regions(description: dict[str, Any], *, own_region: str) -> list[str]:
    replicas = description.get("Replicas") or []
    return sorted(
        {
            replica.get("RegionName", "?")
            for replica in replicas
            if replica.get("RegionName") != own_region
        }
    )


TRANSITIONS = frozenset({"CREATING", "UPDATING", "DELETING"})
WAIT = "wait until DescribeTable shows it ACTIVE, then run the same command again"


def bulk_blocker(description: dict[str, Any]) -> str | None:
    """Why the bulk put cannot start on this table now, or None."""
    name = description.get("TableName", "?")
    status = description.get("TableStatus", "ACTIVE")
    restore = description.get("RestoreSummary") or {}
    if restore.get("RestoreInProgress"):
        return f"table {name} is still being restored: the bulk put cannot start; {WAIT}"
    building = [
        index.get("IndexName", "?")
        for index in description.get("GlobalSecondaryIndexes") or []
        if index.get("IndexStatus") == "CREATING"
    ]
    if building:
        return (
            f"table {name} is creating index {', '.join(building)}: the bulk put cannot start "
            f"until it is built; {WAIT}"
        )
    moving = [
        replica.get("RegionName", "?")
        for replica in description.get("Replicas") or []
        if replica.get("ReplicaStatus") in TRANSITIONS
    ]
    if moving:
        return (
            f"table {name} is changing its replicas ({', '.join(moving)}): the bulk put cannot "
            f"start while a table moves to or from a global table; {WAIT}"
        )
    if status not in ("ACTIVE", "UPDATING"):
        return f"table {name} is {status}: the bulk put needs it ACTIVE; {WAIT}"
    return None


def require_bulk_target(client: Any, table_name: str, *, where: str) -> dict[str, Any]:
    """The table's description; a one-line error when it is missing, has replicas, or is
    in a state the bulk put refuses."""
    try:
        table = client.describe_table(TableName=table_name)["Table"]
    except client.exceptions.ResourceNotFoundException:
        raise CliError(
            f"table {table_name} does not exist at {where}: deploy it (or create it locally) first"
        ) from None
    regions = other_regions(table, own_region=client.meta.region_name)
    if regions:
        raise CliError(
            f"table {table_name} has replicas in {', '.join(regions)}: the bulk put does not "
            "support global tables; load it without --via-s3 (BatchWriteItem replicates)"
        )
    blocker = bulk_blocker(table)
    if blocker:
        raise CliError(blocker)
    return table

"""Can the bulk put write this table? Checked before anything is staged.

The bulk put does not support a table that is part of a global table. A CDK ``TableV2``
(``AWS::DynamoDB::GlobalTable``) deployed to one region is, to DynamoDB, a regional table:
DescribeTable lists no replica in another region, so it is accepted. Any replica in
another region is refused.
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


def require_bulk_target(client: Any, table_name: str, *, where: str) -> dict[str, Any]:
    """The table's description; a one-line error when it is missing or has replicas."""
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
    return table

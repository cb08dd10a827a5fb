"""What a restore drops, put back on the restored table (never on the source).

TTL, PITR with the environment's window, deletion protection by environment and
the catalog's tags are never carried over. Billing and SSE are in the restore
request; on-demand billing is corrected here where the endpoint ignored the
override (moto does). SSE is not: verify reports a wrong key.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from catalog import TableSpec
from ddbctl.environment_tables import (
    enable_pitr,
    expected_billing_mode,
    expected_tags,
    is_unsupported,
)
from settings import EnvironmentConfig

RESTORED_FROM_TAG = "RestoredFrom"
ON_DEMAND = "PAY_PER_REQUEST"


def reapply_settings(
    client: Any,
    *,
    spec: TableSpec,
    config: EnvironmentConfig,
    table_name: str,
    source_name: str,
    poll_seconds: float = 10.0,
) -> list[str]:
    """Apply each setting to ``table_name``; returns one phrase per thing done."""
    done = []
    table = client.describe_table(TableName=table_name)["Table"]
    if spec.ttl_attribute:
        client.update_time_to_live(
            TableName=table_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": spec.ttl_attribute},
        )
        _wait_ttl_enabled(client, table_name, poll_seconds=poll_seconds)
        done.append(f"TTL on {spec.ttl_attribute}")
    pitr = _enable_pitr_when_ready(
        client, table_name, days=config.pitr_recovery_days, poll_seconds=poll_seconds
    )
    done.append(f"PITR {config.pitr_recovery_days} days" if pitr else "PITR (not supported here)")
    billing = table.get("BillingModeSummary", {}).get("BillingMode")
    wanted = expected_billing_mode(spec, config)
    if billing != wanted and wanted == ON_DEMAND:
        # A provisioned table would also need every index's throughput; the restore's
        # override sets that, and verify reports it if the endpoint ignored it.
        client.update_table(TableName=table_name, BillingMode=ON_DEMAND)
        done.append(f"billing {ON_DEMAND}")
    if bool(table.get("DeletionProtectionEnabled")) != config.deletion_protection:
        client.update_table(
            TableName=table_name, DeletionProtectionEnabled=config.deletion_protection
        )
    done.append(f"deletion protection {'on' if config.deletion_protection else 'off'}")
    tags = {**expected_tags(spec, config), RESTORED_FROM_TAG: source_name}
    try:
        client.tag_resource(
            ResourceArn=table["TableArn"],
            Tags=[{"Key": key, "Value": value} for key, value in tags.items()],
        )
        done.append(f"{len(tags)} tags")
    except ClientError as error:
        if not is_unsupported(error):
            raise
        done.append("tags (not supported here)")
    return done


PITR_READY_ATTEMPTS = 30


def _enable_pitr_when_ready(
    client: Any,
    table_name: str,
    *,
    days: int,
    poll_seconds: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
) -> bool | None:
    """A just-restored table answers ContinuousBackupsUnavailableException for a while."""
    for attempt in range(1, PITR_READY_ATTEMPTS + 1):
        try:
            return enable_pitr(client, table_name, days=days)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code != "ContinuousBackupsUnavailableException" or attempt == PITR_READY_ATTEMPTS:
                raise
            sleep(poll_seconds)
    return None


TTL_WAIT_ATTEMPTS = 60


def _wait_ttl_enabled(
    client: Any,
    table_name: str,
    *,
    poll_seconds: float,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Wait out ENABLING (verify fails a TTL still ENABLING); after the last attempt verify
    reports it, naming the wait."""
    for _ in range(TTL_WAIT_ATTEMPTS):
        description = client.describe_time_to_live(TableName=table_name)
        if description["TimeToLiveDescription"].get("TimeToLiveStatus") != "ENABLING":
            return
        sleep(poll_seconds)

"""One restore, start to finish: refuse early, restore, wait, re-apply, verify, count.

It reads the source (DescribeTable, DescribeContinuousBackups, a COUNT scan)
and never writes to it: every write names the target table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from ddbctl.environment_tables import count_items
from ddbctl.errors import CliError
from ddbctl.recovery.point import check_point
from ddbctl.recovery.request import RestorePlan, restore_parameters
from ddbctl.recovery.settings import reapply_settings
from ddbctl.recovery.waiting import wait_active
from ddbctl.verification import TableReport, verify_table


@dataclass
class RestoreOutcome:
    plan: RestorePlan
    applied: list[str] = field(default_factory=list)
    report: TableReport | None = None
    restored_items: int | None = None
    source_items: int | None = None

    @property
    def failed(self) -> bool:
        return self.report is None or self.report.failed


def table_exists(client: Any, table_name: str) -> bool:
    try:
        client.describe_table(TableName=table_name)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return False
        raise
    return True


def check_plan(client: Any, plan: RestorePlan) -> None:
    """Every refusal that needs no table to be created: source, target, restore point."""
    if plan.target_name == plan.source_name:
        raise CliError(f"--as {plan.target_name} is the source table: a restore needs a new name")
    if not table_exists(client, plan.source_name):
        raise CliError(
            f"source table {plan.source_name} does not exist at this endpoint: check --env "
            "and --endpoint-url"
        )
    if table_exists(client, plan.target_name):
        raise CliError(
            f"table {plan.target_name} already exists: choose another name with --as, or "
            "delete it first"
        )
    check_point(client, source_name=plan.source_name, point=plan.point)


def start_restore(client: Any, plan: RestorePlan) -> None:
    operation, parameters = restore_parameters(plan)
    try:
        getattr(client, operation)(**parameters)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code")
        if code == "TableAlreadyExistsException":
            raise CliError(
                f"table {plan.target_name} already exists: choose another name with --as"
            ) from None
        raise


def finish_restore(
    client: Any,
    plan: RestorePlan,
    *,
    local_endpoint: bool,
    poll_seconds: float = 10.0,
    say: Callable[[str], None] = print,
) -> RestoreOutcome:
    """Everything after the restore call: wait, re-apply, verify, count."""
    say(f"started: {plan.describe()}")
    wait_active(client, plan.target_name, poll_seconds=poll_seconds)
    outcome = RestoreOutcome(plan=plan)
    outcome.applied = reapply_settings(
        client,
        spec=plan.spec,
        config=plan.config,
        table_name=plan.target_name,
        source_name=plan.source_name,
        poll_seconds=poll_seconds,
    )
    # UpdateTable (deletion protection, billing) leaves the table UPDATING for a moment.
    wait_active(client, plan.target_name, poll_seconds=poll_seconds)
    say(f"{plan.target_name} is ACTIVE; re-applied: {', '.join(outcome.applied)}")
    outcome.report = verify_table(
        client,
        plan.spec,
        plan.config,
        read_only=False,
        table_name=plan.target_name,
        local_endpoint=local_endpoint,
    )
    outcome.restored_items = count_items(client, plan.target_name)
    outcome.source_items = count_items(client, plan.source_name)
    return outcome

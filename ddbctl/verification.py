"""Check a deployed (or local) environment against the catalog and its config.

Seed 000's ``status`` and seed 002's verification steps, for every table:
existence and ACTIVE, billing, keys, each GSI, TTL, PITR, SSE-KMS, deletion
protection, tags, and (unless read-only) a put/get/delete round trip.

A check is ``pass``, ``fail``, ``unsupported`` (the endpoint cannot answer it:
DynamoDB Local has no PITR, tagging or SSE) or ``skipped``. An unsupported
check is never counted as a pass.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeSerializer
from botocore.exceptions import ClientError

import catalog
from catalog import AttributeType, KeyAttribute, TableSpec
from ddbctl.environment_tables import expected_billing_mode, expected_tags, is_unsupported
from settings import EnvironmentConfig

PASSED = "pass"
FAILED = "fail"
UNSUPPORTED = "unsupported"
SKIPPED = "skipped"
LABELS = {
    PASSED: "pass",
    FAILED: "FAIL",
    UNSUPPORTED: "not supported by this endpoint",
    SKIPPED: "skipped",
}
# DynamoDB Local's table ARNs name this fake region; nothing in AWS does.
DYNAMODB_LOCAL_ARN_MARKER = ":ddblocal:"
ROUND_TRIP_PREFIX = "ddbctl-verify-"
TEST_ITEM_LIFETIME_SECONDS = 3600

_serializer = TypeSerializer()


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    detail: str = ""


@dataclass
class TableReport:
    key: str
    table_name: str
    checks: list[Check] = field(default_factory=list)

    def add(self, name: str, status: str, detail: str = "") -> None:
        self.checks.append(Check(name, status, detail))

    @property
    def failed(self) -> bool:
        return any(check.status == FAILED for check in self.checks)


def _error_text(error: ClientError) -> str:
    info = error.response.get("Error", {})
    return f"{info.get('Code', 'error')}: {info.get('Message', '')}".strip()


def _keys(schema: list[dict[str, str]], types: dict[str, str]) -> str:
    """``name (S) HASH, name (N) RANGE`` for comparing and for showing."""
    return ", ".join(
        f"{k['AttributeName']} ({types.get(k['AttributeName'], '?')}) {k['KeyType']}"
        for k in schema
    )


def _expected_keys(partition: KeyAttribute, sort: KeyAttribute | None) -> str:
    parts = [f"{partition.name} ({partition.type.value}) HASH"]
    if sort is not None:
        parts.append(f"{sort.name} ({sort.type.value}) RANGE")
    return ", ".join(parts)


def _check_indexes(report: TableReport, spec: TableSpec, table: dict[str, Any]) -> None:
    types = {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]}
    actual = {index["IndexName"]: index for index in table.get("GlobalSecondaryIndexes") or []}
    for index in spec.global_indexes:
        name = f"index {index.name}"
        found = actual.get(index.name)
        if found is None:
            report.add(name, FAILED, "missing")
            continue
        want = _expected_keys(index.partition_key, index.sort_key)
        have = _keys(found["KeySchema"], types)
        problems = []
        if have != want:
            problems.append(f"keys {have}, expected {want}")
        projection = found.get("Projection", {}).get("ProjectionType")
        if projection != index.projection.value:
            problems.append(f"projection {projection}, expected {index.projection.value}")
        status = found.get("IndexStatus")
        if status != "ACTIVE":
            problems.append(f"status {status}")
        report.add(name, FAILED if problems else PASSED, "; ".join(problems) or f"{want}, ACTIVE")
    extra = sorted(set(actual) - {index.name for index in spec.global_indexes})
    report.add(
        "no unexpected indexes",
        FAILED if extra else PASSED,
        f"not in the catalog: {', '.join(extra)}" if extra else "",
    )


def _check_ttl(report: TableReport, client: Any, spec: TableSpec, table_name: str) -> None:
    description = client.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"]
    status = description.get("TimeToLiveStatus")
    attribute = description.get("AttributeName") or "no attribute"
    if spec.ttl_attribute is None:
        ok = status in ("DISABLED", None)
        report.add(
            "ttl", PASSED if ok else FAILED, "disabled" if ok else f"{status} on {attribute}"
        )
        return
    if status == "ENABLED" and attribute == spec.ttl_attribute:
        report.add("ttl", PASSED, f"ENABLED on {attribute}")
    elif status == "ENABLING" and attribute == spec.ttl_attribute:
        report.add("ttl", FAILED, f"still ENABLING on {attribute}: re-run in a few minutes")
    else:
        expected = f"expected ENABLED on {spec.ttl_attribute}"
        report.add("ttl", FAILED, f"{status} on {attribute}, {expected}")


def _check_pitr(
    report: TableReport, client: Any, config: EnvironmentConfig, table_name: str
) -> None:
    try:
        backups = client.describe_continuous_backups(TableName=table_name)
    except ClientError as error:
        if is_unsupported(error):
            report.add("pitr", UNSUPPORTED, _error_text(error))
            return
        raise
    pitr = backups["ContinuousBackupsDescription"].get("PointInTimeRecoveryDescription", {})
    status = pitr.get("PointInTimeRecoveryStatus")
    days = pitr.get("RecoveryPeriodInDays")
    if status != "ENABLED":
        report.add("pitr", FAILED, f"{status}, expected ENABLED")
    elif days is not None and days != config.pitr_recovery_days:
        report.add("pitr", FAILED, f"{days} days, expected {config.pitr_recovery_days}")
    else:
        report.add("pitr", PASSED, f"ENABLED, {days or '?'} days")


def _check_sse(
    report: TableReport, table: dict[str, Any], local: bool, *, local_endpoint: bool = False
) -> None:
    sse = table.get("SSEDescription")
    if sse is None and local:
        report.add("sse kms", UNSUPPORTED, "DynamoDB Local reports no encryption settings")
    elif sse is None and local_endpoint:
        report.add("sse kms", UNSUPPORTED, "this local endpoint reports no encryption settings")
    elif sse is None:
        # AWS omits SSEDescription for tables encrypted with the AWS owned key.
        report.add("sse kms", FAILED, "AWS owned key, expected KMS")
    elif sse.get("SSEType") == "KMS" and sse.get("Status") in ("ENABLED", "UPDATING"):
        report.add("sse kms", PASSED, sse.get("KMSMasterKeyArn", "KMS"))
    else:
        report.add("sse kms", FAILED, f"{sse.get('SSEType')} {sse.get('Status')}, expected KMS")


def _check_tags(
    report: TableReport, client: Any, spec: TableSpec, config: EnvironmentConfig, arn: str
) -> None:
    tags: dict[str, str] = {}
    request: dict[str, Any] = {"ResourceArn": arn}
    try:
        while True:
            page = client.list_tags_of_resource(**request)
            tags |= {tag["Key"]: tag["Value"] for tag in page.get("Tags", [])}
            if not page.get("NextToken"):
                break
            request["NextToken"] = page["NextToken"]
    except ClientError as error:
        if is_unsupported(error):
            report.add("tags", UNSUPPORTED, _error_text(error))
            return
        raise
    wrong = [
        f"{key}={tags[key]!r} (expected {value!r})" if key in tags else f"{key} missing"
        for key, value in expected_tags(spec, config).items()
        if tags.get(key) != value
    ]
    report.add("tags", FAILED if wrong else PASSED, "; ".join(wrong) or f"{len(tags)} tag(s)")


def _test_value(attribute: KeyAttribute, marker: str) -> Any:
    if attribute.type is AttributeType.NUMBER:
        return Decimal(int(marker[-12:], 16))
    if attribute.type is AttributeType.BINARY:
        return marker.encode()
    return ROUND_TRIP_PREFIX + marker


def round_trip_key(spec: TableSpec) -> dict[str, Any]:
    """A key no real item has: only the table's key attributes, so no GSI ever sees it."""
    marker = uuid.uuid4().hex
    key = {spec.partition_key.name: _test_value(spec.partition_key, marker)}
    if spec.sort_key is not None:
        key[spec.sort_key.name] = _test_value(spec.sort_key, marker)
    return {name: _serializer.serialize(value) for name, value in key.items()}


def _round_trip(report: TableReport, client: Any, spec: TableSpec, table_name: str) -> None:
    key = round_trip_key(spec)
    item = dict(key)
    if spec.ttl_attribute:
        # Belt and braces: if the delete below fails, TTL still removes the item.
        expires = int(time.time()) + TEST_ITEM_LIFETIME_SECONDS
        item[spec.ttl_attribute] = {"N": str(expires)}
    step = "put"
    try:
        client.put_item(
            TableName=table_name,
            Item=item,
            ConditionExpression="attribute_not_exists(#pk)",
            ExpressionAttributeNames={"#pk": spec.partition_key.name},
        )
        step = "get"
        got = client.get_item(TableName=table_name, Key=key, ConsistentRead=True).get("Item")
        if got != item:
            report.add("round trip", FAILED, f"get returned {got!r}, expected the test item")
            return
        step = "delete"
        client.delete_item(TableName=table_name, Key=key)
        step = "confirm gone"
        if client.get_item(TableName=table_name, Key=key, ConsistentRead=True).get("Item"):
            report.add("round trip", FAILED, "the test item is still there after delete")
            return
    except ClientError as error:
        report.add("round trip", FAILED, f"{step}: {_error_text(error)}")
        return
    finally:
        if step in ("get", "delete"):
            # Already reported; if this fails too, the TTL attribute is the last resort.
            with contextlib.suppress(ClientError):
                client.delete_item(TableName=table_name, Key=key)
    report.add("round trip", PASSED, "put, get, delete: nothing left behind")


TABLE_CHECKS = (
    "billing",
    "key schema",
    "indexes",
    "deletion protection",
    "ttl",
    "pitr",
    "sse kms",
    "tags",
)


def _compare(report: TableReport, name: str, have: str, want: str) -> None:
    if have == want:
        report.add(name, PASSED, have)
    else:
        report.add(name, FAILED, f"{have}, expected {want}")


def _check_table_settings(
    report: TableReport, spec: TableSpec, config: EnvironmentConfig, table: dict[str, Any]
) -> None:
    billing = table.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
    want = expected_billing_mode(spec, config)
    _compare(report, "billing", billing, want)

    types = {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]}
    have = _keys(table["KeySchema"], types)
    want = _expected_keys(spec.partition_key, spec.sort_key)
    _compare(report, "key schema", have, want)

    _check_indexes(report, spec, table)

    protected = bool(table.get("DeletionProtectionEnabled", False))
    on_off = {True: "on", False: "off"}
    _compare(report, "deletion protection", on_off[protected], on_off[config.deletion_protection])


def _guarded(report: TableReport, name: str, check: Any, *args: Any) -> None:
    """Run one check; an AWS error (say AccessDenied) fails that check, not the run."""
    try:
        check(report, *args)
    except ClientError as error:
        report.add(name, FAILED, _error_text(error))


def verify_table(
    client: Any,
    spec: TableSpec,
    config: EnvironmentConfig,
    *,
    read_only: bool,
    table_name: str | None = None,
    local_endpoint: bool = False,
) -> TableReport:
    """Check one table against ``spec`` and ``config``.

    ``table_name`` checks another table by the same rules (``ddbctl restore`` verifies
    the restored copy). ``local_endpoint`` says the endpoint is a local server: moto
    drops a restore's SSE override and reports no encryption, which is then
    ``unsupported`` rather than a failure.
    """
    table_name = table_name or config.table_name(spec)
    report = TableReport(key=spec.key, table_name=table_name)
    try:
        table = client.describe_table(TableName=table_name)["Table"]
    except ClientError as error:
        missing = error.response.get("Error", {}).get("Code") == "ResourceNotFoundException"
        report.add("table", FAILED, "does not exist" if missing else _error_text(error))
        for name in (*TABLE_CHECKS, "round trip"):
            report.add(name, SKIPPED, "table missing" if missing else "table not readable")
        return report
    status = table.get("TableStatus")
    report.add("table", PASSED if status == "ACTIVE" else FAILED, f"{status}")

    _check_table_settings(report, spec, config, table)
    _guarded(report, "ttl", _check_ttl, client, spec, table_name)
    _guarded(report, "pitr", _check_pitr, client, config, table_name)
    dynamodb_local = DYNAMODB_LOCAL_ARN_MARKER in table.get("TableArn", "")
    _check_sse(report, table, dynamodb_local, local_endpoint=local_endpoint)
    _guarded(report, "tags", _check_tags, client, spec, config, table["TableArn"])

    if read_only:
        report.add("round trip", SKIPPED, "--read-only")
    else:
        _round_trip(report, client, spec, table_name)
    return report


def verify_environment(
    client: Any, config: EnvironmentConfig, *, read_only: bool
) -> list[TableReport]:
    return [verify_table(client, spec, config, read_only=read_only) for spec in catalog.TABLES]


def as_dict(reports: list[TableReport]) -> list[dict[str, Any]]:
    return [
        {
            "key": r.key,
            "table_name": r.table_name,
            "checks": [{"check": c.name, "status": c.status, "detail": c.detail} for c in r.checks],
        }
        for r in reports
    ]

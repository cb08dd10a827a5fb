"""What an environment's templates bill for, counted from the CloudFormation JSON.

Counts come from the synthesized templates, not from the catalog or settings,
so the estimate describes what would be deployed. Every stack returned is
summed: the code does not care how many stacks an environment has.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from schema_lock.templates import Templates

TABLE_TYPES = ("AWS::DynamoDB::GlobalTable", "AWS::DynamoDB::Table")


@dataclass(frozen=True)
class Throughput:
    """Throughput of one table or index, summed over its replicas.

    Provisioned: ``min_*``/``max_*`` are the autoscaling floor and ceiling in
    capacity units. On-demand: ``cap_*`` are the maximum request units per
    second, or None when uncapped.
    """

    table: str
    index: str | None
    provisioned: bool
    min_read: float = 0
    min_write: float = 0
    max_read: float = 0
    max_write: float = 0
    cap_read: float | None = None
    cap_write: float | None = None
    # Autoscaling's target, as a fraction: capacity it keeps above the consumed rate.
    target_utilization: float = 1.0

    @property
    def where(self) -> str:
        return self.table if self.index is None else f"{self.table} index {self.index}"


@dataclass(frozen=True)
class TableFacts:
    name: str
    provisioned: bool
    table_class: str
    pitr: bool
    indexes: tuple[str, ...]


@dataclass(frozen=True)
class Counts:
    kms_keys: int = 0
    alarms: int = 0
    alarm_metrics: int = 0
    dashboards: int = 0
    throughput: tuple[Throughput, ...] = ()
    tables: dict[str, TableFacts] = field(default_factory=dict)
    # Backups each plan rule keeps (DeleteAfterDays: the project's rules run daily).
    backups_kept: tuple[int, ...] = ()
    # S3 buckets (the bulk-load staging bucket): billed by what they hold.
    buckets: int = 0

    @property
    def pitr_tables(self) -> int:
        return sum(table.pitr for table in self.tables.values())


def _resources(templates: Templates) -> Iterator[dict[str, Any]]:
    for template in templates.values():
        yield from template.get("Resources", {}).values()


def alarm_metrics(properties: Mapping[str, Any]) -> int:
    """CloudWatch bills each metric an alarm reads; math expressions themselves are free."""
    if "MetricName" in properties:
        return 1
    return sum(1 for query in properties.get("Metrics", []) if "MetricStat" in query)


def _capacity(settings: Mapping[str, Any] | None, kind: str) -> tuple[float, float]:
    """(floor, ceiling) of ``{Read|Write}ProvisionedThroughputSettings``."""
    if not settings:
        return 0, 0
    scaling = settings.get(f"{kind}CapacityAutoScalingSettings")
    if scaling:
        return scaling["MinCapacity"], scaling["MaxCapacity"]
    units = settings.get(f"{kind}CapacityUnits", 0)
    return units, units


def _target(settings: Mapping[str, Any] | None, kind: str) -> float:
    scaling = (settings or {}).get(f"{kind}CapacityAutoScalingSettings") or {}
    policy = scaling.get("TargetTrackingScalingPolicyConfiguration") or {}
    return policy.get("TargetValue", 100) / 100


def _cap(settings: Mapping[str, Any] | None, kind: str) -> float | None:
    value = (settings or {}).get(f"Max{kind}RequestUnits")
    return None if value is None or value < 0 else value


def _sum_caps(caps: list[float | None]) -> float | None:
    """The caps summed over replicas; None (uncapped) when any replica is, or none exist."""
    if not caps or any(cap is None for cap in caps):
        return None
    return sum(cap for cap in caps if cap is not None)


def _replica_part(replica: Mapping[str, Any], index: str | None) -> Mapping[str, Any]:
    """Where one replica keeps the read settings of the table (None) or of one index."""
    if index is None:
        return replica
    parts = replica.get("GlobalSecondaryIndexes", [])
    return next((part for part in parts if part["IndexName"] == index), {})


def _scope(
    *, name: str, index: str | None, writer: Mapping[str, Any], readers: list, provisioned: bool
) -> Throughput:
    """One table or index: writes are settled once for the global table and made in
    every replica; reads are set per replica."""
    copies = max(len(readers), 1)
    if provisioned:
        write_settings = writer.get("WriteProvisionedThroughputSettings")
        min_write, max_write = _capacity(write_settings, "Write")
        reads = [_capacity(r.get("ReadProvisionedThroughputSettings"), "Read") for r in readers]
        return Throughput(
            table=name,
            index=index,
            provisioned=True,
            min_read=sum(low for low, _ in reads),
            max_read=sum(high for _, high in reads),
            min_write=min_write * copies,
            max_write=max_write * copies,
            target_utilization=_target(write_settings, "Write"),
        )
    write_cap = _cap(writer.get("WriteOnDemandThroughputSettings"), "Write")
    return Throughput(
        table=name,
        index=index,
        provisioned=False,
        cap_read=_sum_caps(
            [_cap(r.get("ReadOnDemandThroughputSettings"), "Read") for r in readers]
        ),
        cap_write=None if write_cap is None else write_cap * copies,
    )


def _global_table(properties: Mapping[str, Any]) -> tuple[TableFacts, list[Throughput]]:
    name = properties.get("TableName", "?")
    provisioned = properties.get("BillingMode") == "PROVISIONED"
    replicas = properties.get("Replicas", [])
    writers = {None: properties} | {
        gsi["IndexName"]: gsi for gsi in properties.get("GlobalSecondaryIndexes", [])
    }
    indexes = [index for index in writers if index is not None]
    scopes = [
        _scope(
            name=name,
            index=index,
            writer=writer,
            readers=[_replica_part(replica, index) for replica in replicas],
            provisioned=provisioned,
        )
        for index, writer in writers.items()
    ]
    first = replicas[0] if replicas else {}
    return _facts(name, provisioned, first, indexes), scopes


def _facts(
    name: str, provisioned: bool, settings: Mapping[str, Any], indexes: list[str]
) -> TableFacts:
    """The priced facts; ``settings`` holds the table class and PITR (a ``Table``'s
    properties, or a ``GlobalTable``'s first replica)."""
    pitr = settings.get("PointInTimeRecoverySpecification", {})
    return TableFacts(
        name=name,
        provisioned=provisioned,
        table_class=settings.get("TableClass", "STANDARD"),
        pitr=bool(pitr.get("PointInTimeRecoveryEnabled")),
        indexes=tuple(indexes),
    )


def _plain_table(properties: Mapping[str, Any]) -> tuple[TableFacts, list[Throughput]]:
    """An ``AWS::DynamoDB::Table``: fixed provisioned throughput (autoscaling, being a
    separate resource, is not followed) or an on-demand maximum."""
    name = properties.get("TableName", "?")
    provisioned = properties.get("BillingMode", "PROVISIONED") == "PROVISIONED"
    scopes = []
    holders = [(None, properties)] + [
        (gsi["IndexName"], gsi) for gsi in properties.get("GlobalSecondaryIndexes", [])
    ]
    for index, holder in holders:
        if provisioned:
            units = holder.get("ProvisionedThroughput", {})
            read, write = units.get("ReadCapacityUnits", 0), units.get("WriteCapacityUnits", 0)
            scopes.append(
                Throughput(name, index, True, read, write, read, write)  # floor = ceiling
            )
        else:
            caps = holder.get("OnDemandThroughput")
            scopes.append(
                Throughput(
                    name,
                    index,
                    False,
                    cap_read=_cap(caps, "Read"),
                    cap_write=_cap(caps, "Write"),
                )
            )
    facts = _facts(name, provisioned, properties, [index for index, _ in holders[1:]])
    return facts, scopes


def count(templates: Templates) -> Counts:
    """Everything billable that the templates declare, over all their stacks."""
    keys = alarms = metrics = dashboards = 0
    throughput: list[Throughput] = []
    tables: dict[str, TableFacts] = {}
    backups: list[int] = []
    buckets = 0
    for resource in _resources(templates):
        kind, properties = resource.get("Type"), resource.get("Properties", {})
        if kind == "AWS::KMS::Key":
            keys += 1
        elif kind == "AWS::CloudWatch::Alarm":
            alarms += 1
            metrics += alarm_metrics(properties)
        elif kind == "AWS::CloudWatch::Dashboard":
            dashboards += 1
        elif kind in TABLE_TYPES:
            read = _global_table if kind == TABLE_TYPES[0] else _plain_table
            facts, scopes = read(properties)
            tables[facts.name] = facts
            throughput += scopes
        elif kind == "AWS::S3::Bucket":
            buckets += 1
        elif kind == "AWS::Backup::BackupPlan":
            for rule in properties.get("BackupPlan", {}).get("BackupPlanRule", []):
                days = rule.get("Lifecycle", {}).get("DeleteAfterDays")
                if days is not None:
                    backups.append(int(days))
    return Counts(
        kms_keys=keys,
        alarms=alarms,
        alarm_metrics=metrics,
        dashboards=dashboards,
        throughput=tuple(throughput),
        tables=tables,
        backups_kept=tuple(backups),
        buckets=buckets,
    )

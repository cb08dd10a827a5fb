"""What a workload costs per table, and whether Standard-IA would cost less.

A write costs ``ceil(item_kb)`` write request units, plus the same again in
every GSI whose keys the item carries (ALL projections copy the whole item).
A read costs ``ceil(item_kb / 4)`` read request units, half that when
eventually consistent. Storage is billed for the table and for every index
holding a copy. On-demand tables pay per request; provisioned tables pay only
for capacity above their autoscaling minimum (the minimum is already in the
fixed cost). Both table classes are computed in full, so the advice follows
from the figures rather than from a rule of thumb.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import catalog
from catalog.model import Projection, TableClass, TableSpec
from ddbctl.cost.counting import Counts, TableFacts, Throughput
from ddbctl.cost.fixed import Line, class_prices, dollars, total
from ddbctl.cost.prices import HOURS_PER_MONTH, SECONDS_PER_MONTH, Prices, read_json
from ddbctl.errors import EXIT_FAILURE, EXIT_USAGE, CliError
from settings import EnvironmentConfig

PLACES = 4
REQUIRED = ("writes_per_month", "reads_per_month", "item_kb", "storage_gb")
OPTIONAL = ("eventually_consistent_reads", "index_share")


@dataclass(frozen=True)
class TableLoad:
    """One table's monthly workload, as the file gives it."""

    writes_per_month: float
    reads_per_month: float
    item_kb: float
    storage_gb: float
    eventually_consistent_reads: bool = False
    # Fraction of written items that carry each index's keys (default: all of them).
    index_share: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class TableCost:
    key: str
    name: str
    provisioned: bool
    table_class: str
    lines: list[Line]
    protection: list[Line]
    by_class: dict[str, float]

    @property
    def monthly_usd(self) -> float:
        return total(self.lines, places=PLACES)

    @property
    def protection_monthly_usd(self) -> float:
        return total(self.protection, places=PLACES)


def _bad(source: Path, message: str) -> CliError:
    return CliError(f"workload {source}: {message}", exit_code=EXIT_USAGE)


def _figure(value: Any, *, source: Path, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _bad(source, f"{where} must be a number, not {value!r}")
    if value < 0:
        raise _bad(source, f"{where} is {value}; use a figure at or above 0")
    return float(value)


def _table_load(key: str, raw: Any, *, spec: TableSpec, source: Path) -> TableLoad:
    if not isinstance(raw, dict):
        raise _bad(source, f"tables.{key} must be an object with {', '.join(REQUIRED)}")
    unknown = sorted(set(raw) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        valid = ", ".join(REQUIRED + OPTIONAL)
        raise _bad(source, f"tables.{key} has unknown key {unknown[0]!r}; valid keys: {valid}")
    missing = [name for name in REQUIRED if name not in raw]
    if missing:
        raise _bad(source, f"tables.{key} lacks {', '.join(missing)}")
    figures = {
        name: _figure(raw[name], source=source, where=f"tables.{key}.{name}") for name in REQUIRED
    }
    eventual = raw.get("eventually_consistent_reads", False)
    if not isinstance(eventual, bool):
        raise _bad(source, f"tables.{key}.eventually_consistent_reads must be true or false")
    shares = raw.get("index_share", {})
    if not isinstance(shares, dict):
        raise _bad(source, f"tables.{key}.index_share must map index names to fractions")
    indexes = [index.name for index in spec.global_indexes]
    for name, share in shares.items():
        if name not in indexes:
            valid = ", ".join(indexes) or "none"
            raise _bad(source, f"tables.{key}.index_share names unknown index {name!r}; {valid}")
        fraction = _figure(share, source=source, where=f"tables.{key}.index_share.{name}")
        if fraction > 1:
            raise _bad(source, f"tables.{key}.index_share.{name} is a fraction from 0 to 1")
    return TableLoad(
        **figures,
        eventually_consistent_reads=eventual,
        index_share=tuple((name, float(share)) for name, share in shares.items()),
    )


def read_workload(path: Path) -> dict[str, TableLoad]:
    """The workload file, checked: every bad figure is one line naming it."""
    raw = read_json(path, "workload file")
    if not isinstance(raw, dict) or set(raw) != {"tables"} or not isinstance(raw["tables"], dict):
        raise _bad(path, 'must be {"tables": {"<catalog key>": {...}}} and nothing else')
    loads = {}
    for key, table_raw in raw["tables"].items():
        try:
            spec = catalog.table(key)
        except KeyError as error:
            raise _bad(path, error.args[0]) from None
        loads[key] = _table_load(key, table_raw, spec=spec, source=path)
    return loads


def _units(load: TableLoad, spec: TableSpec) -> tuple[dict[str | None, float], float, float]:
    """Write units per scope (None is the table), read units, and storage GB."""
    shares = dict(load.index_share)
    per_write = max(1, math.ceil(load.item_kb))
    writes: dict[str | None, float] = {None: load.writes_per_month * per_write}
    storage = load.storage_gb
    for index in spec.global_indexes:
        share = shares.get(index.name, 1.0)
        # KEYS_ONLY and INCLUDE copies are counted at 1 KB an item: keys and a few attributes.
        projected_kb = load.item_kb if index.projection == Projection.ALL else min(load.item_kb, 1)
        writes[index.name] = load.writes_per_month * share * max(1, math.ceil(projected_kb))
        if load.item_kb:
            storage += load.storage_gb * share * projected_kb / load.item_kb
    per_read = max(1, math.ceil(load.item_kb / 4))
    reads = load.reads_per_month * per_read * (0.5 if load.eventually_consistent_reads else 1)
    return writes, reads, storage


def _on_demand_lines(
    writes: dict[str | None, float], reads: float, storage: float, unit: dict[str, float]
) -> list[Line]:
    indexes = len(writes) - 1
    scope = f"table and {indexes} indexes" if indexes else "table"
    return [
        Line(
            f"write request units, millions ({scope})",
            sum(writes.values()) / 1e6,
            unit["write_request_million"],
            PLACES,
        ),
        Line("read request units, millions", reads / 1e6, unit["read_request_million"], PLACES),
        Line(f"storage, GB ({scope})", storage, unit["storage_gb_month"], PLACES),
    ]


def _provisioned_lines(
    writes: dict[str | None, float],
    reads: float,
    storage: float,
    unit: dict[str, float],
    floors: dict[str | None, Throughput],
) -> list[Line]:
    """Capacity autoscaling adds above the minimum to serve the average rate at its
    target utilization (a peak needs more: this is a floor, not a forecast)."""
    extra_write = extra_read = 0.0
    for scope, units in writes.items():
        floor = floors.get(scope)
        target = floor.target_utilization if floor else 1.0
        needed = math.ceil(units / SECONDS_PER_MONTH / target)
        extra_write += max(0, needed - (floor.min_write if floor else 0))
    table_floor = floors.get(None)
    target = table_floor.target_utilization if table_floor else 1.0
    needed = math.ceil(reads / SECONDS_PER_MONTH / target)
    extra_read = max(0, needed - (table_floor.min_read if table_floor else 0))
    return [
        Line(
            "write capacity units above the autoscaling minimum",
            extra_write,
            unit["wcu_hour"] * HOURS_PER_MONTH,
            PLACES,
        ),
        Line(
            "read capacity units above the autoscaling minimum",
            extra_read,
            unit["rcu_hour"] * HOURS_PER_MONTH,
            PLACES,
        ),
        Line("storage, GB (table and indexes)", storage, unit["storage_gb_month"], PLACES),
    ]


def _floor_usd(floors: dict[str | None, Throughput], unit: dict[str, float]) -> float:
    return sum(
        (floor.min_write * unit["wcu_hour"] + floor.min_read * unit["rcu_hour"]) * HOURS_PER_MONTH
        for floor in floors.values()
    )


def table_cost(
    *,
    key: str,
    load: TableLoad,
    facts: TableFacts,
    floors: dict[str | None, Throughput],
    counts: Counts,
    prices: Prices,
) -> TableCost:
    spec = catalog.table(key)
    writes, reads, storage = _units(load, spec)
    by_class = {}
    lines: list[Line] = []
    for table_class in (TableClass.STANDARD, TableClass.STANDARD_INFREQUENT_ACCESS):
        unit = class_prices(prices, table_class)
        if facts.provisioned:
            candidate = _provisioned_lines(writes, reads, storage, unit, floors)
            # The minimum is in the fixed cost, but it changes with the class too.
            compared = total(candidate, places=PLACES) + _floor_usd(floors, unit)
        else:
            candidate = _on_demand_lines(writes, reads, storage, unit)
            compared = total(candidate, places=PLACES)
        by_class[table_class.value] = dollars(compared, places=PLACES)
        if table_class == facts.table_class:
            lines = candidate
    protection = []
    if facts.pitr:
        protection.append(
            Line("point-in-time recovery, GB", load.storage_gb, prices["pitr_gb_month"], PLACES)
        )
    for kept in counts.backups_kept:
        protection.append(
            Line(
                f"AWS Backup, {kept} daily backups of the table, GB",
                load.storage_gb * kept,
                prices["backup_gb_month"],
                PLACES,
            )
        )
    return TableCost(
        key=key,
        name=facts.name,
        provisioned=facts.provisioned,
        table_class=facts.table_class,
        lines=lines,
        protection=protection,
        by_class=by_class,
    )


def workload_costs(
    loads: dict[str, TableLoad], *, config: EnvironmentConfig, counts: Counts, prices: Prices
) -> list[TableCost]:
    costs = []
    for key, load in loads.items():
        name = config.table_name(catalog.table(key))
        facts = counts.tables.get(name)
        if facts is None:
            raise CliError(
                f"{config.name}'s templates have no table {name!r} ({key}): synthesize again, "
                "or drop it from the workload",
                exit_code=EXIT_FAILURE,
            )
        floors = {scope.index: scope for scope in counts.throughput if scope.table == name}
        costs.append(
            table_cost(key=key, load=load, facts=facts, floors=floors, counts=counts, prices=prices)
        )
    return costs

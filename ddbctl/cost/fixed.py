"""An environment's fixed monthly cost, its ceiling, and its per-GB rates.

Fixed: what the environment costs before a single request (keys, alarm
metrics, dashboards beyond the free ones, provisioned capacity at the
autoscaling minimum). Ceiling: the same at the autoscaling maximum, plus every
on-demand table and index running at its ``max_request_units`` cap all month;
there is none while any on-demand table or index is uncapped. PITR and backups
scale with data size, so they are rates per GB rather than lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from catalog.model import TableClass
from ddbctl.cost.counting import Counts, Throughput
from ddbctl.cost.prices import HOURS_PER_MONTH, SECONDS_PER_MONTH, Prices

KMS_KEYS = "KMS keys"
ALARM_METRICS = "CloudWatch alarm metrics (a metric-math alarm bills each metric it reads)"
DASHBOARDS = "CloudWatch dashboards beyond the free ones"


def dollars(amount: float, *, places: int = 2) -> float:
    """Rounded half up, as a bill is (binary floats would turn 0.075 into 0.07)."""
    step = Decimal(1).scaleb(-places)
    return float(Decimal(repr(amount)).quantize(step, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Line:
    """One billable thing. ``places``: cents for fixed lines; a workload's lines keep
    four, or a seed-003-sized table would show nothing but zeros."""

    what: str
    quantity: float
    unit_usd: float
    places: int = 2

    @property
    def monthly_usd(self) -> float:
        return dollars(self.quantity * self.unit_usd, places=self.places)

    def as_json(self) -> dict:
        return {
            "what": self.what,
            "quantity": round(self.quantity, 9),
            "unit_usd": self.unit_usd,
            "monthly_usd": self.monthly_usd,
        }


@dataclass(frozen=True)
class Estimate:
    env: str
    prices: Prices
    lines: list[Line]
    ceiling_lines: list[Line]
    # Tables and indexes whose on-demand throughput has no maximum.
    uncapped: list[str]
    per_gb: list[Line] = field(default_factory=list)

    @property
    def fixed_monthly_usd(self) -> float:
        return total(self.lines)

    @property
    def ceiling_monthly_usd(self) -> float | None:
        return None if self.uncapped else total(self.ceiling_lines)


def total(lines: list[Line], *, places: int = 2) -> float:
    return dollars(sum(line.monthly_usd for line in lines), places=places)


def class_prices(prices: Prices, table_class: str) -> dict[str, float]:
    """The request, capacity and storage prices of one table class."""
    prefix = "ia_" if table_class == TableClass.STANDARD_INFREQUENT_ACCESS else ""
    return {
        key: prices[f"{prefix}{key}"]
        for key in (
            "wcu_hour",
            "rcu_hour",
            "write_request_million",
            "read_request_million",
            "storage_gb_month",
        )
    }


def _suffix(table_class: str) -> str:
    return " (Standard-IA)" if table_class == TableClass.STANDARD_INFREQUENT_ACCESS else ""


def _capacity_lines(scopes: list[tuple[Throughput, str]], prices: Prices, *, at: str) -> list[Line]:
    """Provisioned units at the autoscaling ``at`` ("minimum" or "maximum"), per class."""
    lines = []
    for table_class in (TableClass.STANDARD, TableClass.STANDARD_INFREQUENT_ACCESS):
        chosen = [scope for scope, cls in scopes if scope.provisioned and cls == table_class]
        unit = class_prices(prices, table_class)
        for kind, key in (("write", "wcu_hour"), ("read", "rcu_hour")):
            attribute = f"{'min' if at == 'minimum' else 'max'}_{kind}"
            units = sum(getattr(scope, attribute) for scope in chosen)
            if units:
                lines.append(
                    Line(
                        f"Provisioned {kind} capacity units at the autoscaling {at}"
                        + _suffix(table_class),
                        units,
                        unit[key] * HOURS_PER_MONTH,
                    )
                )
    return lines


def _cap_lines(scopes: list[tuple[Throughput, str]], prices: Prices) -> list[Line]:
    """On-demand request units at the cap, every second of the month."""
    lines = []
    for table_class in (TableClass.STANDARD, TableClass.STANDARD_INFREQUENT_ACCESS):
        chosen = [s for s, cls in scopes if not s.provisioned and cls == table_class]
        unit = class_prices(prices, table_class)
        for kind, key in (("write", "write_request_million"), ("read", "read_request_million")):
            units = sum(getattr(scope, f"cap_{kind}") or 0 for scope in chosen)
            if units:
                lines.append(
                    Line(
                        f"On-demand {kind} request units per second at max_request_units, "
                        "all month" + _suffix(table_class),
                        units,
                        unit[key] * SECONDS_PER_MONTH / 1_000_000,
                    )
                )
    return lines


def estimate(env: str, counts: Counts, prices: Prices) -> Estimate:
    """Price what ``counts`` found with ``prices``."""
    classes = {name: facts.table_class for name, facts in counts.tables.items()}
    scopes = [(scope, classes.get(scope.table, TableClass.STANDARD)) for scope in counts.throughput]
    billable_dashboards = max(0, counts.dashboards - int(prices["free_dashboards"]))
    always = [
        Line(KMS_KEYS, counts.kms_keys, prices["kms_key_month"]),
        Line(ALARM_METRICS, counts.alarm_metrics, prices["alarm_metric_month"]),
        Line(DASHBOARDS, billable_dashboards, prices["dashboard_month"]),
    ]
    always = [line for line in always if line.quantity]
    uncapped = [
        scope.where
        for scope in counts.throughput
        if not scope.provisioned and (scope.cap_read is None or scope.cap_write is None)
    ]
    per_gb = []
    if counts.pitr_tables:
        per_gb.append(
            Line(
                f"Point-in-time recovery, per GB of table data ({counts.pitr_tables} tables)",
                1,
                prices["pitr_gb_month"],
            )
        )
    for kept in counts.backups_kept:
        per_gb.append(
            Line(
                f"AWS Backup, {kept} daily backups kept, per GB of table data",
                1,
                kept * prices["backup_gb_month"],
            )
        )
    if counts.buckets:
        per_gb.append(
            Line(
                f"S3 Standard in {counts.buckets} bucket(s) (bulk-load staging), per GB held",
                1,
                prices["s3_standard_gb_month"],
            )
        )
    return Estimate(
        env=env,
        prices=prices,
        lines=always + _capacity_lines(scopes, prices, at="minimum"),
        ceiling_lines=always
        + _capacity_lines(scopes, prices, at="maximum")
        + _cap_lines(scopes, prices),
        uncapped=uncapped,
        per_gb=per_gb,
    )

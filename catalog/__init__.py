"""The single source of truth for every table: keys, indexes, TTL, tags, patterns.

Plain Python on purpose: CDK constructs, ``ddbctl``, the seeder Lambda and the
tests all import it, and none of them should need CDK to know a table's shape.
"""

from catalog import agent_matching, opportunity_analyzer, root_orchestrator, trade_matching
from catalog.model import (
    AccessPattern,
    AttributeType,
    Capacity,
    GlobalIndex,
    KeyAttribute,
    Operation,
    Projection,
    ProvisionedBilling,
    TableSpec,
)

APPLICATIONS: dict[str, tuple[TableSpec, ...]] = {
    root_orchestrator.APPLICATION: root_orchestrator.TABLES,
    trade_matching.APPLICATION: trade_matching.TABLES,
    opportunity_analyzer.APPLICATION: opportunity_analyzer.TABLES,
    agent_matching.APPLICATION: agent_matching.TABLES,
}

TABLES: tuple[TableSpec, ...] = tuple(t for tables in APPLICATIONS.values() for t in tables)


def table(key: str) -> TableSpec:
    """Look a table up by its catalog key (its base name)."""
    for spec in TABLES:
        if spec.key == key:
            return spec
    valid = ", ".join(spec.key for spec in TABLES)
    raise KeyError(f"unknown table {key!r}; valid tables: {valid}")


def access_patterns() -> dict[str, tuple[TableSpec, AccessPattern]]:
    """Every named access pattern across the catalog, keyed by its unique name."""
    return {p.name: (spec, p) for spec in TABLES for p in spec.access_patterns}


__all__ = [
    "APPLICATIONS",
    "TABLES",
    "AccessPattern",
    "AttributeType",
    "Capacity",
    "GlobalIndex",
    "KeyAttribute",
    "Operation",
    "Projection",
    "ProvisionedBilling",
    "TableSpec",
    "access_patterns",
    "table",
]

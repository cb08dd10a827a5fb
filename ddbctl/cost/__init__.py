"""What an environment costs: counted from its templates, priced from a pinned table.

``counting`` reads the templates, ``prices`` the dated price table, ``fixed``
prices the fixed cost and ceiling, ``workload`` a workload's cost per table,
``budget`` the gate, ``render`` the output. ``ddbctl cost`` puts them together.
"""

from __future__ import annotations

from pathlib import Path

from ddbctl.cost.counting import count
from ddbctl.cost.fixed import Estimate, estimate
from ddbctl.cost.prices import load_prices
from schema_lock.templates import Templates
from settings import EnvironmentConfig


def estimate_environment(
    config: EnvironmentConfig, templates: Templates, *, prices_file: Path | None = None
) -> Estimate:
    """The fixed-cost estimate of one environment's templates at its region's prices."""
    prices = load_prices(config.region, overrides=prices_file)
    return estimate(config.name, count(templates), prices)


__all__ = ["Estimate", "estimate_environment"]

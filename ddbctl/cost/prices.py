"""Unit prices: the pinned, dated table for a region, and ``--prices`` overrides.

Prices live in ``price_tables/<region>.json`` rather than being fetched, so an
estimate is reproducible and needs no AWS access; each table names the date it
was transcribed and the pages it came from.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from ddbctl.errors import EXIT_USAGE, CliError

PRICE_TABLES = Path(__file__).resolve().parent / "price_tables"
HOURS_PER_MONTH = 730  # AWS's own convention for monthly estimates
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600

TEXT_KEYS = ("date", "source", "region")
NUMBER_KEYS = (
    "alarm_metric_month",
    "dashboard_month",
    "free_dashboards",
    "kms_key_month",
    "wcu_hour",
    "rcu_hour",
    "write_request_million",
    "read_request_million",
    "storage_gb_month",
    "ia_wcu_hour",
    "ia_rcu_hour",
    "ia_write_request_million",
    "ia_read_request_million",
    "ia_storage_gb_month",
    "pitr_gb_month",
    "backup_gb_month",
    "s3_standard_gb_month",
)
KEYS = TEXT_KEYS + NUMBER_KEYS

Prices = dict[str, Any]


def known_regions() -> list[str]:
    return sorted(path.stem for path in PRICE_TABLES.glob("*.json"))


def read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CliError(
            f"cannot read {what} {path}: {error.strerror or error}", exit_code=EXIT_USAGE
        ) from None
    except ValueError as error:
        raise CliError(f"{what} {path} is not JSON ({error})", exit_code=EXIT_USAGE) from None


def _checked(values: Any, *, source: str) -> Prices:
    """Every key known, every price a finite number at or above zero."""
    if not isinstance(values, dict):
        raise CliError(
            f"{source} must be a JSON object of prices (keys: {', '.join(KEYS)})",
            exit_code=EXIT_USAGE,
        )
    for key, value in values.items():
        if key not in KEYS:
            raise CliError(
                f"{source} has unknown price {key!r}; valid keys: {', '.join(KEYS)}",
                exit_code=EXIT_USAGE,
            )
        if key in TEXT_KEYS:
            if not isinstance(value, str):
                raise CliError(f"{source}: {key} must be a string", exit_code=EXIT_USAGE)
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise CliError(
                f"{source}: {key} must be a number of US dollars, not {value!r}",
                exit_code=EXIT_USAGE,
            )
        if value < 0 or not math.isfinite(value):
            raise CliError(
                f"{source}: {key} is {value}; a price is a finite number at or above 0",
                exit_code=EXIT_USAGE,
            )
    return dict(values)


def load_prices(region: str, *, overrides: Path | None = None) -> Prices:
    """The pinned table for ``region``, with ``overrides`` (a ``--prices`` file) on top."""
    path = PRICE_TABLES / f"{region}.json"
    if not path.is_file():
        raise CliError(
            f"no pinned prices for region {region!r} (known: {', '.join(known_regions())}): "
            f"add ddbctl/cost/price_tables/{region}.json from AWS's price pages",
            exit_code=EXIT_USAGE,
        )
    prices = _checked(read_json(path, "price table"), source=str(path))
    missing = [key for key in KEYS if key not in prices]
    if missing:
        raise CliError(f"{path} lacks {', '.join(missing)}", exit_code=EXIT_USAGE)
    if overrides is not None:
        prices.update(_checked(read_json(overrides, "prices file"), source=str(overrides)))
    return prices

"""One physical table belongs to one environment.

Two environments may share an account and region (the docs allow it). If both
resolve a table to the same name, by a ``table_names`` override or by the
``{env}-{base}`` default, the second environment's stack would own, seed and
delete the first one's data. That is refused before any synth or command runs.
"""

from __future__ import annotations

from collections.abc import Iterable

import catalog
from settings.environment import ENVIRONMENT_NAMES, EnvironmentConfig
from settings.errors import ConfigError


def check_no_shared_tables(configs: Iterable[EnvironmentConfig]) -> None:
    """Fail in one line when two environments in one account and region name one table."""
    owners: dict[tuple[str, str, str], tuple[str, str]] = {}
    for config in configs:
        for spec in catalog.TABLES:
            name = config.table_name(spec)
            place = (config.account, config.region, name)
            if place in owners:
                # Named in environment order, so the line does not depend on which was asked.
                (first, first_key), (second, second_key) = sorted(
                    [owners[place], (config.name, spec.key)],
                    key=lambda owner: ENVIRONMENT_NAMES.index(owner[0]),
                )
                raise ConfigError(
                    f"{first} and {second} both name a table {name!r} in account "
                    f"{config.account} {config.region} ({first}'s {first_key}, "
                    f"{second}'s {second_key}): one table cannot belong to two environments; "
                    f"give one of them another name under table_names in cdk.json"
                )
            owners[place] = (config.name, spec.key)

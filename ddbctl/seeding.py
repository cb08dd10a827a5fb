"""Seed an environment's tables with the catalog's sample data, outside CloudFormation.

Used by ``ddbctl seed`` and ``ddbctl local up``. It builds the same tables the
deployed custom resource carries and hands them to the seeder's own writer
(``ddbio.seeding.seed``), so local, moto and deployed tables get identical items.
"""

from __future__ import annotations

from typing import Any

import catalog
from catalog.samples import SAMPLES, SampleDataError
from ddbio.batch_writer import BackoffPolicy, UnprocessedItemsError
from ddbio.seeding import SeedingError, sample_tables, seed
from settings import EnvironmentConfig
from settings.environment import sample_data_refusal


class SeedRefusedError(Exception):
    """Seeding this environment is not allowed; the message says why."""


# Everything seeding raises with a one-line message a command can print as is.
SEEDING_ERRORS = (SeedRefusedError, SeedingError, SampleDataError, UnprocessedItemsError)


def refuse_unless_seedable(config: EnvironmentConfig) -> None:
    """Raise :class:`SeedRefusedError` when sample data must not go to ``config``'s tables
    (prod whatever its config says; any environment with ``seed_sample_data`` off)."""
    refusal = sample_data_refusal(config)
    if refusal:
        raise SeedRefusedError(refusal)


def seed_environment(
    *, client: Any, config: EnvironmentConfig, policy: BackoffPolicy | None = None
) -> dict[str, int]:
    """Upsert every sample item into ``config``'s tables; table name -> items written.

    Checks every table's key schema before the first write; a write that fails after
    others raises ``SeedingStoppedError``, whose message names what was written.
    """
    refuse_unless_seedable(config)
    tables = sample_tables(
        table_names={key: config.table_name(catalog.table(key)) for key in SAMPLES}
    )
    return seed(client, tables, policy=policy).written

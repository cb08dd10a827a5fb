"""Seed an environment's tables with the catalog's sample data, outside CloudFormation.

Used by ``ddbctl seed`` and ``ddbctl local up``. It builds the same
properties the deployed custom resource carries and runs them through the
seeder Lambda's own code path (``ddbio.seeding.apply_event`` with a Create
event), so local, moto and deployed tables get identical items.
"""

from __future__ import annotations

from typing import Any

import catalog
from catalog.samples import SAMPLES, SampleDataError
from ddbio.batch_writer import BackoffPolicy, UnprocessedItemsError
from ddbio.seeding import SeedingError, apply_event, build_properties
from settings import EnvironmentConfig


class SeedRefusedError(Exception):
    """Seeding this environment is not allowed; the message says why."""


# Everything seeding raises with a one-line message a command can print as is.
SEEDING_ERRORS = (SeedRefusedError, SeedingError, SampleDataError, UnprocessedItemsError)


def seed_environment(
    *, client: Any, config: EnvironmentConfig, policy: BackoffPolicy | None = None
) -> dict[str, int]:
    """Upsert every sample item into ``config``'s tables; table name -> items written.

    Refuses prod whatever its config says (sample data never goes there), and any
    environment whose config leaves ``seed_sample_data`` off, so a stray ``--env
    staging`` cannot write sample items into real staging tables.
    """
    if config.name == "prod":
        raise SeedRefusedError(
            "refusing to seed prod: sample data never goes to prod; use --env dev"
        )
    if not config.seed_sample_data:
        raise SeedRefusedError(
            f"{config.name} takes no sample data (seed_sample_data is off): use --env dev, or "
            f'set "seed_sample_data": true for {config.name} in cdk.json'
        )
    properties = build_properties(
        table_names={key: config.table_name(catalog.table(key)) for key in SAMPLES}
    )
    event = {"RequestType": "Create", "ResourceProperties": properties}
    return apply_event(event, client=client, policy=policy).written

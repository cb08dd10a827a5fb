"""Sample data for one environment (only where ``seed_sample_data`` is on)."""

from __future__ import annotations

from aws_cdk import aws_kms as kms
from constructs import Construct

import catalog
from catalog.samples import SAMPLES
from cdk_constructs.sample_data_seeder import SampleDataSeeder
from settings import EnvironmentConfig
from stacks.environment_stack import EnvironmentStack


class SampleDataStack(EnvironmentStack):
    """Holds the seeder apart from the tables, so turning seeding off removes one stack
    and leaves the table stacks' templates untouched."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        encryption_key: kms.IKey,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            config=config,
            description="sample data for the DynamoDB tables (development only)",
        )
        self.seeder = SampleDataSeeder(
            self,
            "Seeder",
            table_names={key: config.table_name(catalog.table(key)) for key in SAMPLES},
            function_name=f"{config.name}-sample-data-seeder",
            encryption_key=encryption_key,
            removal_policy=self.removal_policy,
        )

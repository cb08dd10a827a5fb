"""Sample data for one environment (only where ``seed_sample_data`` is on)."""

from __future__ import annotations

from aws_cdk import aws_kms as kms
from constructs import Construct

import catalog
from catalog.samples import SAMPLES
from cdk_constructs.sample_data_seeder import SampleDataSeeder
from stacks.data_layer_stack import DataLayerStack


class SampleData(Construct):
    """The seeder, in its own construct: turning seeding off removes this subtree and
    leaves every table's logical id and properties untouched."""

    def __init__(
        self, stack: DataLayerStack, construct_id: str, *, encryption_key: kms.IKey
    ) -> None:
        super().__init__(stack, construct_id)
        config = stack.config
        self.seeder = SampleDataSeeder(
            self,
            "Seeder",
            table_names={key: config.table_name(catalog.table(key)) for key in SAMPLES},
            function_name=f"{config.name}-sample-data-seeder",
            encryption_key=encryption_key,
            removal_policy=stack.removal_policy,
        )

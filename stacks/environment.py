"""Everything one environment deploys, composed from the catalog into one stack."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aws_cdk import App, Stack
from aws_cdk import aws_kms as kms

import catalog
from catalog import TableSpec
from cdk_constructs import DataKey
from cdk_constructs.consumer_access import ConsumerAccess
from settings import EnvironmentConfig
from stacks.application_data import ApplicationData
from stacks.consumer_access import add_consumer_access, add_spanning_consumer_access
from stacks.data_layer_stack import DataLayerStack
from stacks.operations import Operations

if TYPE_CHECKING:  # imported where used: aws_s3 and aws_lambda cost every synth that lacks them
    from cdk_constructs.bulk_load_bucket import BulkLoadBucket
    from stacks.sample_data import SampleData

STACK_SUFFIX = "data-layer"
KEY_ID = "DataKey"
OPERATIONS_ID = "Operations"
SAMPLE_DATA_ID = "SampleData"
BULK_LOAD_ID = "BulkLoad"


@dataclass(frozen=True)
class EnvironmentStacks:
    """The environment's one stack and the parts it holds, for tests and tools."""

    stack: DataLayerStack
    data_key: DataKey
    applications: dict[str, ApplicationData]
    operations: Operations
    consumers: dict[str, ConsumerAccess] = field(default_factory=dict)
    sample_data: SampleData | None = None
    bulk_load: BulkLoadBucket | None = None

    @property
    def key(self) -> kms.IKey:
        return self.data_key.key

    def all(self) -> list[Stack]:
        """Every stack of the environment (one): what the CLI deploys and the gates read."""
        return [self.stack]


def stack_name(config: EnvironmentConfig) -> str:
    return f"{config.name}-{STACK_SUFFIX}"


def construct_id(application: str) -> str:
    """``root-orchestrator`` -> ``RootOrchestrator``: the application's node in the tree,
    and the prefix of its resources' logical ids."""
    return "".join(part.capitalize() for part in application.split("-"))


def stack_names(config: EnvironmentConfig) -> tuple[str, ...]:
    """The stacks ``cdk diff``/``deploy`` of this environment must cover, in deploy order."""
    return (stack_name(config),)


def add_environment(
    app: App,
    *,
    config: EnvironmentConfig,
    applications: Mapping[str, tuple[TableSpec, ...]] | None = None,
) -> EnvironmentStacks:
    """Add ``config``'s stack: the key, operations, one construct per application, and
    the sample data where seeding is on.

    ``applications`` defaults to ``catalog.APPLICATIONS``; the schema-lock tests
    pass a modified copy to synthesize a would-be change without patching globals.
    """
    catalog_applications = catalog.APPLICATIONS if applications is None else applications
    stack = DataLayerStack(
        app,
        stack_name(config),
        config=config,
        description="DynamoDB data layer: tables, key, access policies, alarms and backups",
    )
    data_key = DataKey(stack, KEY_ID, environment_name=config.name)
    key = data_key.key
    operations = Operations(
        stack,
        OPERATIONS_ID,
        encryption_key=key,
        specs=[spec for specs in catalog_applications.values() for spec in specs],
    )
    bulk_load = None
    if config.bulk_load_bucket:
        from cdk_constructs.bulk_load_bucket import BulkLoadBucket

        bulk_load = BulkLoadBucket(
            stack,
            BULK_LOAD_ID,
            encryption_key=key,
            expire_after_days=config.bulk_load_expire_days,
            removal_policy=stack.removal_policy,
        )
    bucket = bulk_load.bucket if bulk_load else None
    parts: dict[str, ApplicationData] = {}
    consumers: dict[str, ConsumerAccess] = {}
    for application, specs in catalog_applications.items():
        part = ApplicationData(
            stack,
            construct_id(application),
            application=application,
            specs=specs,
            encryption_key=key,
        )
        operations.operate(part)
        consumers.update(
            add_consumer_access(stack, part, encryption_key=key, bulk_load_bucket=bucket)
        )
        parts[application] = part
    consumers.update(
        add_spanning_consumer_access(stack, parts, encryption_key=key, bulk_load_bucket=bucket)
    )
    sample_data = None
    if config.seed_sample_data:
        from stacks.sample_data import SampleData

        sample_data = SampleData(stack, SAMPLE_DATA_ID, encryption_key=key)
        for part in parts.values():
            # The seeder writes into these tables, so it is created after them and
            # deleted before them.
            sample_data.node.add_dependency(part)
    return EnvironmentStacks(
        stack=stack,
        data_key=data_key,
        applications=parts,
        operations=operations,
        consumers=consumers,
        sample_data=sample_data,
        bulk_load=bulk_load,
    )

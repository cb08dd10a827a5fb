"""Everything one environment deploys, composed from the catalog."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from aws_cdk import App

import catalog
from catalog import TableSpec
from cdk_constructs.consumer_access import ConsumerAccess
from settings import EnvironmentConfig
from stacks.application_stack import ApplicationDataStack
from stacks.consumer_access import add_consumer_access
from stacks.key_stack import DataKeyStack
from stacks.operations_stack import OperationsStack
from stacks.sample_data_stack import SampleDataStack


@dataclass(frozen=True)
class EnvironmentStacks:
    key_stack: DataKeyStack
    applications: dict[str, ApplicationDataStack]
    operations: OperationsStack
    consumers: dict[str, ConsumerAccess] = field(default_factory=dict)
    sample_data: SampleDataStack | None = None

    def all(self) -> list:
        extra = [self.sample_data] if self.sample_data else []
        return [self.key_stack, self.operations, *self.applications.values(), *extra]


KEY_COMPONENT = "data-key"
OPERATIONS_COMPONENT = "operations"
SAMPLE_DATA_COMPONENT = "sample-data"
STACK_COMPONENTS: tuple[str, ...] = (
    KEY_COMPONENT,
    OPERATIONS_COMPONENT,
    *(f"{application}-data" for application in catalog.APPLICATIONS),
)


def stack_name(config: EnvironmentConfig, component: str) -> str:
    return f"{config.name}-{component}"


def stack_names(config: EnvironmentConfig) -> tuple[str, ...]:
    """Every stack :func:`add_environment` adds for ``config`` with the catalog's
    applications: what a complete ``cdk diff --all`` of the environment must show."""
    sample_data = (SAMPLE_DATA_COMPONENT,) if config.seed_sample_data else ()
    return tuple(stack_name(config, component) for component in (*STACK_COMPONENTS, *sample_data))


def add_environment(
    app: App,
    *,
    config: EnvironmentConfig,
    applications: Mapping[str, tuple[TableSpec, ...]] | None = None,
) -> EnvironmentStacks:
    """Add the shared key stack and one stack per application for ``config``.

    ``applications`` defaults to ``catalog.APPLICATIONS``; the schema-lock tests
    pass a modified copy to synthesize a would-be change without patching globals.
    """
    catalog_applications = catalog.APPLICATIONS if applications is None else applications
    key_stack = DataKeyStack(app, stack_name(config, KEY_COMPONENT), config=config)
    applications = {
        application: ApplicationDataStack(
            app,
            stack_name(config, f"{application}-data"),
            application=application,
            specs=specs,
            config=config,
            encryption_key=key_stack.key,
        )
        for application, specs in catalog_applications.items()
    }
    operations = OperationsStack(
        app,
        stack_name(config, OPERATIONS_COMPONENT),
        config=config,
        encryption_key=key_stack.key,
        specs=[spec for specs in catalog_applications.values() for spec in specs],
    )
    for application in applications.values():
        operations.operate(application)
    consumers = {}
    for stack in applications.values():
        consumers.update(add_consumer_access(stack, config=config, encryption_key=key_stack.key))
    sample_data = None
    if config.seed_sample_data:
        sample_data = SampleDataStack(
            app,
            stack_name(config, SAMPLE_DATA_COMPONENT),
            config=config,
            encryption_key=key_stack.key,
        )
        for application_stack in applications.values():
            sample_data.add_stack_dependency(application_stack, "seeds the tables these stacks own")
    return EnvironmentStacks(
        key_stack=key_stack,
        applications=applications,
        operations=operations,
        consumers=consumers,
        sample_data=sample_data,
    )

"""Everything one environment deploys, composed from the catalog."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import App

import catalog
from settings import EnvironmentConfig
from stacks.application_stack import ApplicationDataStack
from stacks.key_stack import DataKeyStack
from stacks.operations_stack import OperationsStack


@dataclass(frozen=True)
class EnvironmentStacks:
    key_stack: DataKeyStack
    applications: dict[str, ApplicationDataStack]
    operations: OperationsStack

    def all(self) -> list:
        return [self.key_stack, self.operations, *self.applications.values()]


KEY_COMPONENT = "data-key"
OPERATIONS_COMPONENT = "operations"
STACK_COMPONENTS: tuple[str, ...] = (
    KEY_COMPONENT,
    OPERATIONS_COMPONENT,
    *(f"{application}-data" for application in catalog.APPLICATIONS),
)


def stack_name(config: EnvironmentConfig, component: str) -> str:
    return f"{config.name}-{component}"


def add_environment(app: App, *, config: EnvironmentConfig) -> EnvironmentStacks:
    """Add the shared key stack and one stack per application for ``config``."""
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
        for application, specs in catalog.APPLICATIONS.items()
    }
    operations = OperationsStack(
        app,
        stack_name(config, OPERATIONS_COMPONENT),
        config=config,
        encryption_key=key_stack.key,
    )
    for application in applications.values():
        operations.operate(application)
    return EnvironmentStacks(key_stack=key_stack, applications=applications, operations=operations)

"""Everything one environment deploys, composed from the catalog."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aws_cdk import App

import catalog
from catalog import TableSpec
from settings import EnvironmentConfig
from stacks.application_stack import ApplicationDataStack
from stacks.key_stack import DataKeyStack


@dataclass(frozen=True)
class EnvironmentStacks:
    key_stack: DataKeyStack
    applications: dict[str, ApplicationDataStack]

    def all(self) -> list:
        return [self.key_stack, *self.applications.values()]


KEY_COMPONENT = "data-key"
STACK_COMPONENTS: tuple[str, ...] = (
    KEY_COMPONENT,
    *(f"{application}-data" for application in catalog.APPLICATIONS),
)


def stack_name(config: EnvironmentConfig, component: str) -> str:
    return f"{config.name}-{component}"


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
    return EnvironmentStacks(key_stack=key_stack, applications=applications)

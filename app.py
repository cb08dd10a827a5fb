#!/usr/bin/env python3
"""CDK entry point: ``--context env=dev|staging|prod`` selects one environment.

This is the only place that reads CDK context. It validates it into an
:class:`settings.EnvironmentConfig` and hands explicit values to the stacks.
"""

import sys

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, NagPack

from catalog.samples import SampleDataError
from compliance import DataLayerChecks
from settings import ConfigError, EnvironmentConfig, load_environment
from stacks.environment import add_environment


def security_checks(app: cdk.App, config: EnvironmentConfig) -> list[NagPack]:
    """cdk-nag packs that fail synth on any unacknowledged finding.

    AwsSolutions skips AWS::DynamoDB::GlobalTable (what TableV2 emits), so our
    own pack checks the tables with what this environment requires.
    """
    return [
        AwsSolutionsChecks(app),
        DataLayerChecks(app, protected=config.protected, require_backup=config.backup_enabled),
    ]


def main() -> None:
    app = cdk.App()
    try:
        config = load_environment(
            app.node.try_get_context("env"), app.node.try_get_context("environments")
        )
        add_environment(app, config=config)
    except (ConfigError, SampleDataError) as error:
        sys.exit(f"error: {error}")
    cdk.Validations.of(app).add_plugins(*security_checks(app, config))
    app.synth()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""CDK entry point: ``--context env=dev|staging|prod`` selects one environment.

This is the only place that reads CDK context. It validates it into an
:class:`settings.EnvironmentConfig` and hands explicit values to the stacks.
"""

import sys

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from settings import ConfigError, load_environment
from stacks.environment import add_environment


def main() -> None:
    app = cdk.App()
    try:
        config = load_environment(
            app.node.try_get_context("env"), app.node.try_get_context("environments")
        )
    except ConfigError as error:
        sys.exit(f"error: {error}")
    add_environment(app, config=config)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    app.synth()


if __name__ == "__main__":
    main()

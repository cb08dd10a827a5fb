"""The environments and synthesized templates the template-reading commands judge.

``check-changes``, ``check-diff`` and ``cost`` take the same inputs (an environment
from cdk.json; templates synthesized here or read from ``--cdk-out``), so a bad one
gets the same one-line usage error from each.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ddbctl.errors import EXIT_USAGE, CliError
from schema_lock.templates import TemplateError, Templates, read_cloud_assembly, synthesize
from settings import ConfigError, EnvironmentConfig, load_from_cdk_json


def add_cdk_out_argument(parser: argparse.ArgumentParser) -> None:
    """``--cdk-out DIR``, the templates ``load_templates`` reads instead of synthesizing."""
    parser.add_argument(
        "--cdk-out",
        metavar="DIR",
        help="read templates from a `cdk synth --output` directory instead of synthesizing "
        "in-process; {env} is replaced by the environment name (e.g. cdk.out.{env})",
    )


def load_config(name: str) -> EnvironmentConfig:
    """One environment's settings from cdk.json; a bad config is a usage error."""
    try:
        return load_from_cdk_json(name)
    except ConfigError as error:
        raise CliError(str(error), exit_code=EXIT_USAGE) from None


def load_templates(configs: list[EnvironmentConfig], cdk_out: str | None) -> dict[str, Templates]:
    """``{environment: templates}``: synthesized now, or read from ``cdk_out`` (whose
    ``{env}`` names each environment's cloud assembly)."""
    try:
        if cdk_out is None:
            return synthesize(configs)
        return {
            config.name: read_cloud_assembly(
                Path(cdk_out.replace("{env}", config.name)), config.name
            )
            for config in configs
        }
    except TemplateError as error:
        raise CliError(str(error), exit_code=EXIT_USAGE) from None

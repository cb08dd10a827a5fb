"""Environment settings: the only place raw configuration becomes typed values."""

from settings.cdk_json import CDK_JSON_VARIABLE, locate_cdk_json, read_cdk_json
from settings.environment import ENVIRONMENT_NAMES, EnvironmentConfig
from settings.errors import ConfigError
from settings.loader import load_environment, load_from_cdk_json

__all__ = [
    "CDK_JSON_VARIABLE",
    "ENVIRONMENT_NAMES",
    "ConfigError",
    "EnvironmentConfig",
    "load_environment",
    "load_from_cdk_json",
    "locate_cdk_json",
    "read_cdk_json",
]

"""Environment settings: the only place raw configuration becomes typed values."""

from settings.environment import ENVIRONMENT_NAMES, EnvironmentConfig
from settings.errors import ConfigError
from settings.loader import load_environment, load_from_cdk_json

__all__ = [
    "ENVIRONMENT_NAMES",
    "ConfigError",
    "EnvironmentConfig",
    "load_environment",
    "load_from_cdk_json",
]

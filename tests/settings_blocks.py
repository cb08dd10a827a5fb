"""One environment block, as the settings tests load it: cdk.json's shape, no file."""

from __future__ import annotations

from typing import Any

import pytest

from settings import ConfigError, EnvironmentConfig, load_environment

BASE = {"account": "123456789012", "region": "us-east-1"}


def load(name: str, **overrides: Any) -> EnvironmentConfig:
    """Environment ``name`` from a block of BASE plus ``overrides``."""
    return load_environment(name, {name: {**BASE, **overrides}})


def one_line_error(name: str, **overrides: Any) -> str:
    """The ConfigError such a block raises, checked to be one line."""
    with pytest.raises(ConfigError) as caught:
        load(name, **overrides)
    text = str(caught.value)
    assert "\n" not in text
    return text

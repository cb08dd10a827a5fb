"""Turn raw ``cdk.json`` context into an :class:`EnvironmentConfig`.

Shared by ``app.py`` (which gets the context from CDK) and ``ddbctl`` (which
reads ``cdk.json`` itself), so both agree on names, regions and overrides.
Both go through :func:`load_environment` with the same data: ``ddbctl`` reads
the file with :func:`settings.cdk_json.read_cdk_json`, which drops ``null``
members as CDK does before ``app.py`` sees them (the default then applies).
Every environment of the block is validated, not only the one asked for, so
that rules across environments hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from settings.cdk_json import locate_cdk_json, read_cdk_json
from settings.environment import ENVIRONMENT_NAMES, EnvironmentConfig
from settings.errors import ConfigError
from settings.operations import AlarmSettings
from settings.shared_tables import check_no_shared_tables

# Safe defaults per environment; cdk.json values override them (nested blocks
# such as "alarms" are merged key by key, so overriding one field keeps the rest).
ENVIRONMENT_DEFAULTS: dict[str, dict[str, Any]] = {
    "dev": {
        "removal_policy": "destroy",
        "deletion_protection": False,
        "pitr_recovery_days": 7,
        "seed_sample_data": True,
        "backup_retention_days": None,
        "monthly_budget_usd": 3.0,
        "max_request_units": 10,
        "alarms": {
            "index_throttles": False,
            "system_error_operations": [],
            "throttles": {"threshold": 10, "evaluation_periods": 3, "datapoints_to_alarm": 3},
            "system_errors": {"threshold": 5, "evaluation_periods": 3, "datapoints_to_alarm": 3},
            "consumed_capacity": {
                "threshold": 90,
                "evaluation_periods": 3,
                "datapoints_to_alarm": 3,
            },
        },
    },
    "staging": {
        "pitr_recovery_days": 35,
        "backup_retention_days": 14,
        "monthly_budget_usd": 12.0,
        "max_request_units": 100,
        "alarms": {
            "throttles": {"threshold": 5, "evaluation_periods": 3, "datapoints_to_alarm": 2},
            "system_errors": {"threshold": 1, "evaluation_periods": 3, "datapoints_to_alarm": 2},
        },
    },
    "prod": {"pitr_recovery_days": 35, "provisioned_capacity": True, "backup_retention_days": 35},
}


# Nested blocks start from their model's defaults, so that overriding one field
# (say alarms.throttles.threshold) keeps every other field of that block.
NESTED_DEFAULTS: dict[str, Any] = {"alarms": AlarmSettings().model_dump()}


def _merge(defaults: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(defaults)
    for key, value in overrides.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _describe(error: ValidationError, environment: str) -> str:
    first = error.errors()[0]
    location = ".".join(str(part) for part in first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    if not location:
        return message
    return f"environments.{environment}.{location} in cdk.json: {message}"


def _build(name: str, raw: Any) -> EnvironmentConfig:
    if not isinstance(raw, Mapping):
        raise ConfigError(
            f'cdk.json "environments.{name}" must be an object with its account and region'
        )
    defaults = _merge(NESTED_DEFAULTS, ENVIRONMENT_DEFAULTS[name])
    values = {**_merge(defaults, raw), "name": name}
    try:
        return EnvironmentConfig(**values)
    except ValidationError as error:
        raise ConfigError(_describe(error, name)) from None


def load_environment(name: str | None, environments: Mapping[str, Any] | None) -> EnvironmentConfig:
    """Validate one environment's settings; every failure is one line naming the fix.

    Every environment in ``environments`` is validated too (the one asked for
    first, so its own mistakes are reported first), and no two of them may
    share a physical table.
    """
    # Only an absent env means dev: an empty one (`-c env=$UNSET`) is a mistake.
    name = "dev" if name is None else name
    if name not in ENVIRONMENT_NAMES:
        raise ConfigError(
            f"unknown environment {name!r}: use --context env=dev, env=staging or env=prod"
        )
    if environments is not None and not isinstance(environments, Mapping):
        raise ConfigError(
            'cdk.json "context.environments" must be an object with a block per environment '
            "(dev, staging, prod): see docs/settings.md"
        )
    blocks: Mapping[str, Any] = environments or {}
    unknown = sorted(set(blocks) - set(ENVIRONMENT_NAMES))
    if unknown:
        raise ConfigError(
            f'cdk.json "environments" has a block for {unknown[0]!r}, which is not an '
            "environment: name it dev, staging or prod, or remove it"
        )
    if not isinstance(blocks.get(name), Mapping):
        raise ConfigError(
            f'cdk.json has no "environments.{name}" block: add one with its account and region'
        )
    order = [name, *(other for other in ENVIRONMENT_NAMES if other in blocks and other != name)]
    configs = [_build(each, blocks[each]) for each in order]
    check_no_shared_tables(configs)
    return configs[0]


def load_from_cdk_json(name: str | None, *, path: Path | None = None) -> EnvironmentConfig:
    """What ``ddbctl`` uses: the same settings ``cdk synth`` would see.

    ``path`` defaults to :func:`settings.cdk_json.locate_cdk_json`
    (``$DDBCTL_CDK_JSON``, the checkout's ``cdk.json``, then ``./cdk.json``).
    """
    context = read_cdk_json(locate_cdk_json() if path is None else path)
    return load_environment(name, context.get("environments"))


def synth_context(*, path: Path | None = None) -> dict[str, Any]:
    """The context the CDK CLI hands ``app.py`` from ``cdk.json`` (feature flags and the
    environments), for in-process synthesis: without it, flags such as
    ``@aws-cdk/aws-iam:minimizePolicies`` are off and the templates tests and tools
    judge are not the ones ``cdk deploy`` sends."""
    return read_cdk_json(locate_cdk_json() if path is None else path)

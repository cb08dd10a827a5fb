"""The per-environment safety of a table, for apps that bring their own ``TableSpec``.

Our own stack passes these values from the validated :class:`settings.EnvironmentConfig`;
another CDK app gets the same defaults by environment name, read from the same
settings (one fact, one place), without a ``cdk.json`` of ours.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import RemovalPolicy
from aws_cdk import aws_kms as kms
from constructs import Construct

from catalog import TableSpec
from cdk_constructs.data_table import DataTable

SAFETY_FIELDS = ("removal_policy", "deletion_protection", "pitr_recovery_days")


@dataclass(frozen=True, kw_only=True)
class TableSafety:
    """Retention, deletion protection and the PITR window of one environment's tables."""

    removal_policy: RemovalPolicy
    deletion_protection: bool
    pitr_recovery_days: int

    @classmethod
    def for_environment(cls, environment: str) -> TableSafety:
        """The defaults ``cdk.json`` starts from: prod and staging retained, protected and
        35 days of PITR; dev destroyable with 7 days."""
        from settings.environment import EnvironmentConfig
        from settings.loader import ENVIRONMENT_DEFAULTS

        if environment not in ENVIRONMENT_DEFAULTS:
            valid = ", ".join(ENVIRONMENT_DEFAULTS)
            raise ValueError(f"unknown environment {environment!r}: use one of {valid}")
        overrides = ENVIRONMENT_DEFAULTS[environment]
        fields = EnvironmentConfig.model_fields
        values = {name: overrides.get(name, fields[name].default) for name in SAFETY_FIELDS}
        return cls(
            removal_policy=_removal_policy(values["removal_policy"]),
            deletion_protection=values["deletion_protection"],
            pitr_recovery_days=values["pitr_recovery_days"],
        )


def _removal_policy(name: str) -> RemovalPolicy:
    return RemovalPolicy.RETAIN if name == "retain" else RemovalPolicy.DESTROY


def safe_table(
    scope: Construct,
    construct_id: str,
    *,
    spec: TableSpec,
    environment: str,
    encryption_key: kms.IKey,
    table_name: str | None = None,
) -> DataTable:
    """A :class:`DataTable` for ``spec`` with ``environment``'s safe defaults: the given
    CMK, PITR, deletion protection and retention. ``table_name`` defaults to
    ``{environment}-{spec.base_name}``; billing is on-demand."""
    safety = TableSafety.for_environment(environment)
    return DataTable(
        scope,
        construct_id,
        spec=spec,
        table_name=table_name or spec.physical_name(environment),
        environment_name=environment,
        encryption_key=encryption_key,
        removal_policy=safety.removal_policy,
        deletion_protection=safety.deletion_protection,
        pitr_recovery_days=safety.pitr_recovery_days,
        provisioned_capacity=False,
    )

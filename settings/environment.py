"""Typed, validated per-environment settings.

``app.py`` and ``ddbctl`` both build these from the ``environments`` block of
``cdk.json``; constructs only ever receive the resulting frozen object, so no
construct reads context or environment variables.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

import catalog
from catalog.consumers import CONSUMER_IDS
from settings.consumers import ConsumerSettings
from settings.operations import AlarmSettings
from settings.regions import region_problem

TABLE_NAME_RULE = re.compile(r"[A-Za-z0-9_.-]{3,255}")
PROD_PITR_DAYS = 35


def table_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a DynamoDB table name, or None: cdk.json and ddbctl's
    options refuse the same names in the same words."""
    if TABLE_NAME_RULE.fullmatch(name):
        return None
    return f"{name!r} is not a DynamoDB table name: use 3-255 letters, digits, '_', '-' or '.'"


EnvironmentName = Literal["dev", "staging", "prod"]
ENVIRONMENT_NAMES: tuple[str, ...] = ("dev", "staging", "prod")
PROTECTED_ENVIRONMENTS = frozenset({"staging", "prod"})
# The environments sample data never reaches, whatever cdk.json or a command line says.
NEVER_SEEDED = frozenset({"prod"})
MIN_PROD_BACKUP_DAYS = 35


class EnvironmentConfig(BaseModel):
    """One deployment target. Defaults are the safe values; dev relaxes them explicitly."""

    # Flags and numbers are strict: lax parsing would read "off" or "yes" in cdk.json as
    # a boolean and quietly turn a safety setting the wrong way.
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: EnvironmentName
    # [0-9], not \d: \d also matches Arabic-Indic and full-width digits.
    account: str = Field(pattern=r"^[0-9]{12}$", strict=True)
    region: str = Field(default="us-east-1", strict=True)
    removal_policy: Literal["retain", "destroy"] = "retain"
    deletion_protection: bool = Field(default=True, strict=True)
    pitr_recovery_days: int = Field(default=35, ge=1, le=35, strict=True)
    provisioned_capacity: bool = Field(default=False, strict=True)
    autoscaling_max_multiplier: int = Field(default=4, ge=1, le=100, strict=True)
    table_names: dict[str, str] = Field(default_factory=dict)
    seed_sample_data: bool = Field(default=False, strict=True)
    consumers: dict[str, ConsumerSettings] = Field(default_factory=dict)
    alarms: AlarmSettings = Field(default_factory=AlarmSettings)
    # Days AWS Backup keeps each daily backup; None means no backup plan (dev).
    backup_retention_days: int | None = Field(default=35, ge=1, le=36500, strict=True)
    # An S3 bucket for `migrate-profiles --via-s3` staging; its objects expire after N days.
    bulk_load_bucket: bool = Field(default=False, strict=True)
    bulk_load_expire_days: int = Field(default=7, ge=1, le=365, strict=True)
    # What `ddbctl cost --check-budget` holds the fixed monthly cost (USD) to.
    monthly_budget_usd: float = Field(default=30.0, gt=0, strict=True)
    # On-demand ceiling: each table's and index's maximum read and write request units
    # per second; None leaves on-demand throughput uncapped. Provisioned tables ignore it
    # (their autoscaling maximum is their ceiling).
    max_request_units: int | None = Field(default=None, ge=1, strict=True)

    @field_validator("region")
    @classmethod
    def _real_region(cls, region: str) -> str:
        problem = region_problem(region)
        if problem:
            raise ValueError(problem)
        return region

    @model_validator(mode="after")
    def _consistent(self) -> EnvironmentConfig:
        if self.name in PROTECTED_ENVIRONMENTS and self.removal_policy == "destroy":
            raise ValueError(
                f"{self.name} tables must survive stack deletion: "
                f'set "removal_policy": "retain" for {self.name} in cdk.json'
            )
        if self.deletion_protection and self.removal_policy == "destroy":
            raise ValueError(
                f"{self.name}: deletion_protection cannot be combined with removal_policy "
                '"destroy"; set one of them the other way in cdk.json'
            )
        if self.name in PROTECTED_ENVIRONMENTS and not self.deletion_protection:
            raise ValueError(
                f'{self.name} tables must be deletion-protected: set "deletion_protection": '
                f"true for {self.name} in cdk.json"
            )
        if self.name in NEVER_SEEDED and self.seed_sample_data:
            raise ValueError(
                'prod never gets sample data: remove "seed_sample_data" from prod in cdk.json'
            )
        if self.name in PROTECTED_ENVIRONMENTS and self.backup_retention_days is None:
            raise ValueError(
                f"{self.name} tables must be in a daily backup plan: set "
                f'"backup_retention_days" for {self.name} in cdk.json'
            )
        if self.name == "prod" and (self.backup_retention_days or 0) < MIN_PROD_BACKUP_DAYS:
            raise ValueError(
                f"prod keeps daily backups for at least {MIN_PROD_BACKUP_DAYS} days: raise "
                '"backup_retention_days" for prod in cdk.json'
            )
        if self.name == "prod" and self.pitr_recovery_days != PROD_PITR_DAYS:
            raise ValueError(
                f"prod keeps {PROD_PITR_DAYS} days of point-in-time recovery: remove "
                '"pitr_recovery_days" from prod in cdk.json'
            )
        self._check_table_names()
        self._check_consumers()
        return self

    def _check_table_names(self) -> None:
        unknown = sorted(set(self.table_names) - {t.key for t in catalog.TABLES})
        if unknown:
            valid = ", ".join(t.key for t in catalog.TABLES)
            raise ValueError(f"table_names has unknown table {unknown[0]!r}; valid keys: {valid}")
        for key, name in self.table_names.items():
            problem = table_name_problem(name)
            if problem:
                raise ValueError(f"table_names.{key} {problem}")
        seen: dict[str, str] = {}
        for spec in catalog.TABLES:
            name = self.table_name(spec)
            if name in seen:
                raise ValueError(
                    f"table_names gives {spec.key} the name {name!r}, which {seen[name]} "
                    "already has: give each table its own name"
                )
            seen[name] = spec.key

    def _check_consumers(self) -> None:
        unknown = sorted(set(self.consumers) - set(CONSUMER_IDS))
        if unknown:
            valid = ", ".join(CONSUMER_IDS)
            raise ValueError(f"consumers has unknown consumer {unknown[0]!r}; valid ids: {valid}")
        for consumer_id, settings in self.consumers.items():
            account = settings.existing_role_account
            if account is not None and account != self.account:
                raise ValueError(
                    f"consumers.{consumer_id}.existing_role is in account {account}, not "
                    f"{self.account}: name a role of {self.account} (a policy attaches only "
                    "to roles in its own account)"
                )

    def consumer(self, consumer_id: str) -> ConsumerSettings:
        """This environment's settings for one consumer; defaults when cdk.json has none."""
        return self.consumers.get(consumer_id, ConsumerSettings())

    @property
    def protected(self) -> bool:
        return self.name in PROTECTED_ENVIRONMENTS

    @property
    def backup_enabled(self) -> bool:
        """Whether this environment has an AWS Backup plan that must hold every table."""
        return self.backup_retention_days is not None

    def table_name(self, spec: catalog.TableSpec) -> str:
        """Physical name: an adoption override from config, else ``{env}-{base}``."""
        return self.table_names.get(spec.key, spec.physical_name(self.name))


def sample_data_refusal(config: EnvironmentConfig) -> str | None:
    """Why sample data must not be written to ``config``'s tables, or None when it may.

    The one statement of the rule every writer of sample data calls (``ddbctl seed``,
    ``ddbctl local up``), so a stray ``--env staging`` or ``--env prod`` is refused
    with the same words everywhere, whatever route reaches the tables.
    """
    if config.name in NEVER_SEEDED:
        return f"refusing to seed {config.name}: sample data never goes to prod; use --env dev"
    if not config.seed_sample_data:
        return (
            f"{config.name} takes no sample data (seed_sample_data is off): use --env dev, or "
            f'set "seed_sample_data": true for {config.name} in cdk.json'
        )
    return None

"""Adopting a restored table into the stack: check the preconditions, print the commands.

``cdk import`` brings an existing table under a resource the template adds, so
the old table has to leave the stack first (retained, never deleted), and the
restored one must already have the catalog's keys and indexes: CloudFormation
cannot change either in place. The stack name comes from ``stacks.environment``,
so the printed commands follow the stack layout.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalog import TableSpec
from ddbctl.errors import CliError
from ddbctl.verification import FAILED, verify_table
from schema_lock.identity import TableIdentity
from schema_lock.lockfile import LOCK_DIR, PROJECT_ROOT, LockError, lock_path, read_lock
from settings import EnvironmentConfig

SHAPE_CHECKS = ("table", "key schema", "no unexpected indexes")


def stack_names(config: EnvironmentConfig) -> list[str]:
    """The environment's stacks, from the code that names them (imported late: it loads CDK)."""
    _prefer_project_node()
    from stacks import environment

    named = getattr(environment, "stack_names", None)
    if named is not None:
        return list(named(config))
    return [environment.stack_name(config, c) for c in environment.STACK_COMPONENTS]


def _prefer_project_node() -> None:
    """CDK's jsii runtime runs on the first ``node`` on PATH; the project pins Node 22 in
    node_modules (as the Makefile and the tests put it first), the machine's may be older."""
    binaries = PROJECT_ROOT / "node_modules" / ".bin"
    path = os.environ.get("PATH", "")
    if binaries.is_dir() and not path.startswith(str(binaries)):
        os.environ["PATH"] = f"{binaries}{os.pathsep}{path}"


def lock_entry(config: EnvironmentConfig, spec: TableSpec, *, lock_dir: Path) -> TableIdentity:
    try:
        tables = read_lock(lock_path(lock_dir, config.name), config.name)
    except LockError as error:
        raise CliError(str(error)) from None
    physical = config.table_name(spec)
    for identity in tables.values():
        if identity.table_name == physical:
            return identity
    raise CliError(
        f"{LOCK_DIR.name}/{config.name}.json has no entry for {physical}: run `make lock` after "
        "review, then plan the adoption again"
    )


def shape_problems(client: Any, spec: TableSpec, config: EnvironmentConfig, name: str) -> list[str]:
    """verify's key and index checks on the restored table; the rest does not block import."""
    report = verify_table(client, spec, config, read_only=True, table_name=name)
    return [
        f"{check.name}: {check.detail}"
        for check in report.checks
        if check.status == FAILED
        and (check.name in SHAPE_CHECKS or check.name.startswith("index "))
    ]


def lock_differences(identity: TableIdentity, spec: TableSpec) -> list[str]:
    """Where the lock's keys and GSIs differ from the catalog's: the import would then
    bring the table under a template the lock has not reviewed."""
    want_keys = [(spec.partition_key.name, "HASH")]
    if spec.sort_key is not None:
        want_keys.append((spec.sort_key.name, "RANGE"))
    have_keys = [(part.attribute, part.key_type) for part in identity.keys]
    problems = []
    if have_keys != want_keys:
        problems.append(f"keys {have_keys}, catalog {want_keys}")
    have_indexes = sorted(index.name for index in identity.global_indexes)
    want_indexes = sorted(index.name for index in spec.global_indexes)
    if have_indexes != want_indexes:
        problems.append(f"indexes {have_indexes}, catalog {want_indexes}")
    return problems


@dataclass(frozen=True)
class AdoptPlan:
    spec: TableSpec
    config: EnvironmentConfig
    restored: str
    stack: str
    logical_id: str

    def steps(self) -> list[str]:
        env = self.config.name
        current = self.config.table_name(self.spec)
        override = json.dumps({"table_names": {self.spec.key: self.restored}})
        cdk = f"npx cdk --context env={env}"
        steps = []
        if self.config.removal_policy != "retain":
            steps.append(
                f'# {env} destroys removed tables: set "removal_policy": "retain" for {env} in '
                f"cdk.json, then: {cdk} deploy {self.stack}"
            )
        steps += [
            f"# 1. Take {current} ({self.logical_id}) out of {self.stack}, keeping it: deploy "
            f"once with the {self.spec.key} table left out of the app; its Retain policy "
            "orphans it, nothing is deleted",
            f"{cdk} diff {self.stack}",
            f"{cdk} deploy {self.stack}",
            f"# 2. Point the catalog key at the restored table: in cdk.json, environments.{env} "
            f"gets {override}",
            f"# 3. With the table back in the app, import the restored table as "
            f"{self.logical_id} (never deploy for this step)",
            f"{cdk} import {self.stack}",
            f"# 4. Check it: {cdk} diff {self.stack} shows no table change, then",
            f"ddbctl verify --env {env}",
            f"# 5. When nothing reads {current} any more, delete it by hand (deletion protection "
            "first)",
        ]
        return steps


def plan_adoption(
    client: Any,
    *,
    spec: TableSpec,
    config: EnvironmentConfig,
    restored: str,
    lock_dir: Path = LOCK_DIR,
) -> AdoptPlan:
    """The plan, or a one-line refusal naming the first unmet precondition."""
    problems = shape_problems(client, spec, config, restored)
    if problems:
        raise CliError(f"{restored} cannot be adopted as {spec.key}: {'; '.join(problems)}")
    identity = lock_entry(config, spec, lock_dir=lock_dir)
    stale = lock_differences(identity, spec)
    if stale:
        raise CliError(
            f"{LOCK_DIR.name}/{config.name}.json disagrees with the catalog on {spec.key} "
            f"({'; '.join(stale)}): review the catalog change and run `make lock` first"
        )
    names = stack_names(config)
    if identity.stack in names:
        stack = identity.stack
    elif len(names) == 1:
        stack = names[0]
    else:
        raise CliError(
            f"the lock puts {spec.key} in {identity.stack}, which is not one of this "
            f"environment's stacks ({', '.join(names)}): run `make lock` after review"
        )
    return AdoptPlan(
        spec=spec, config=config, restored=restored, stack=stack, logical_id=identity.logical_id
    )

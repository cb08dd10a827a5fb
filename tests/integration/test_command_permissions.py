"""Every documented command, run as typed against moto, allowed by the role docs name.

Each case runs one ``ddbctl`` command in-process, with no ``--endpoint-url`` (moto
answers what would be AWS), records every call it makes (``tests/iam/calls.py``), and
evaluates each call's permissions against the synthesized policy of the role that
``catalog/commands.py`` names for it. A denial fails naming the command, the action and
the resource. Striking any one action the command needs from that policy must make it
fail, so the check cannot pass by accident; and every action a role holds must be used by
some command the role runs, so no grant outlives its reason.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

import catalog
from catalog.commands import COMMAND_ROLES, CommandRole
from catalog.consumers import CONSUMER_IDS, consumer
from catalog.naming import data_key_alias
from ddbctl.cli import main
from ddbctl.environment_tables import create_environment_tables
from ddbctl.seeding import seed_environment
from settings import load_from_cdk_json
from tests import template_cache
from tests.conftest import synthesize
from tests.iam.calls import Account, Call, recording, requirements, restored_base, session
from tests.iam.fake_bulk import FakeBulkPut
from tests.iam.moto_fidelity import behave_like_dynamodb
from tests.iam.policy import (
    MANAGED_POLICY_MAX_CHARACTERS,
    Placement,
    Policy,
    Requirement,
    logical_id_of,
    physical_arns,
    role_policy,
)
from tests.profiles import profile, write_files

MOTO_ACCOUNT = "123456789012"
REGION = "us-east-1"
BUCKET = "dev-staging"
PROFILES = "agent-profiles"
RESTORED = "dev-agent-profiles-restored-20261201T000000Z"
DATA_KEY_ARN = f"arn:aws:kms:{REGION}:{MOTO_ACCOUNT}:key/00000000-0000-0000-0000-000000000000"


@dataclass
class World:
    """The dev environment as deployed, in moto: tables, key and alias, bucket, data."""

    tmp: Path
    key_arn: str
    bulk: FakeBulkPut
    client: Any

    def account(self) -> Account:
        return Account(
            account=MOTO_ACCOUNT,
            region=REGION,
            data_key_arn=self.key_arn,
            partition_key=_partition_key,
            aliases={data_key_alias("dev"): self.key_arn},
        )


def _partition_key(table_name: str) -> str:
    config = load_from_cdk_json("dev")
    base = restored_base(table_name)
    for spec in catalog.TABLES:
        if config.table_name(spec) == base:
            return spec.partition_key.name
    raise LookupError(f"{table_name} is no dev table, nor a restored copy of one")


@contextmanager
def dev_environment(tmp: Path) -> Iterator[World]:
    """The dev environment as ``cdk deploy`` leaves it, in moto, for the block's length."""
    with pytest.MonkeyPatch.context() as patch, mock_aws():
        behave_like_dynamodb(patch)
        setup = session(region=REGION)
        client = setup.client("dynamodb")
        kms = setup.client("kms")
        key_arn = kms.create_key()["KeyMetadata"]["Arn"]
        kms.create_alias(AliasName=data_key_alias("dev"), TargetKeyId=key_arn)
        config = load_from_cdk_json("dev")
        create_environment_tables(client, config)
        seed_environment(client=client, config=config)
        setup.client("s3").create_bucket(Bucket=BUCKET)
        yield World(tmp=tmp, key_arn=key_arn, bulk=FakeBulkPut(session=setup), client=client)


# ------------------------------------------------------------------ scenarios


@dataclass(frozen=True)
class Case:
    """One command line of a ``COMMAND_ROLES`` entry, with the setup it needs."""

    usage: str
    name: str
    argv: Callable[[World], list[str] | list[list[str]]]  # one command line, or several
    staging: bool = False  # judged against dev with its staging bucket
    roles: tuple[str, ...] = ()  # some of the entry's roles only (default: all of them)

    @property
    def entry(self) -> CommandRole:
        (found,) = [entry for entry in COMMAND_ROLES if entry.usage == self.usage]
        return found

    @property
    def run_as(self) -> tuple[str, ...]:
        assert set(self.roles) <= set(self.entry.roles), self.roles
        return self.roles or self.entry.roles


def _usage(prefix: str) -> str:
    """The one ``COMMAND_ROLES`` usage that is ``prefix`` or, failing that, starts with it."""
    usages = [e.usage for e in COMMAND_ROLES]
    if prefix in usages:
        return prefix
    (found,) = [usage for usage in usages if usage.startswith(prefix)]
    return found


def _profiles_dir(world: World) -> str:
    records = {f"{n}.json": profile(n) for n in range(30)}
    return str(write_files(world.tmp / "json_storage", records))


def _restored_copy(world: World) -> str:
    """A restored copy of the profiles table, as ``restore`` would leave it."""
    world.client.restore_table_to_point_in_time(
        SourceTableName="dev-agent-profiles",
        TargetTableName=RESTORED,
        UseLatestRestorableTime=True,
    )
    world.client.update_continuous_backups(
        TableName=RESTORED,
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )
    return RESTORED


def _restorable_time(world: World, table: str) -> str:
    backups = world.client.describe_continuous_backups(TableName=table)
    window = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    return window["LatestRestorableDateTime"].isoformat()


def _backup(world: World) -> str:
    backup = world.client.create_backup(TableName="dev-agent-profiles", BackupName="before")
    return backup["BackupDetails"]["BackupArn"]


def _started_bulk(world: World, table: str = "dev-agent-profiles") -> str:
    """A bulk operation on ``table``, started outside the recording."""
    answer = world.bulk.start(
        {
            "TableName": table,
            "InputS3Configuration": {"S3Bucket": BUCKET, "S3KeyPrefix": "none/data/"},
            "OutputS3Configuration": {"S3Bucket": BUCKET, "S3KeyPrefix": "none/reports/"},
        }
    )
    return answer["BulkOperationDescription"]["BulkOperationArn"]


def _every_query(_world: World) -> list[list[str]]:
    """Every access pattern of the catalog, each with a value for each parameter."""
    return [
        ["query", name, *(f"{p}=1" for p in pattern.parameters), "--env", "dev"]
        for name, (_spec, pattern) in catalog.access_patterns().items()
    ]


RESTORE = ["restore", "--env", "dev", "--poll-seconds", "0"]
CASES: tuple[Case, ...] = (
    Case(_usage("query"), "query-every-pattern", _every_query),
    Case(_usage("verify"), "verify", lambda _w: ["verify", "--env", "dev"]),
    Case(
        _usage("migrate-profiles SOURCE --env ENV"),
        "migrate-profiles",
        lambda w: ["migrate-profiles", _profiles_dir(w), "--env", "dev"],
    ),
    Case(
        _usage("migrate-profiles SOURCE --env ENV --via-s3"),
        "migrate-profiles-via-s3",
        lambda w: [
            "migrate-profiles",
            _profiles_dir(w),
            "--env",
            "dev",
            "--via-s3",
            f"s3://{BUCKET}/profiles",
        ],
        staging=True,
    ),
    Case(
        _usage("restore --env ENV --table"),
        "restore-latest",
        lambda _w: [*RESTORE, "--table", PROFILES, "--latest"],
    ),
    Case(
        _usage("restore --env ENV --table"),
        "restore-to-time",
        lambda w: [
            *RESTORE,
            "--table",
            "market_intelligence_requests",
            "--to-time",
            _restorable_time(w, "dev-market_intelligence_requests"),
        ],
    ),
    Case(
        _usage("restore --env ENV --table"),
        "restore-backup",
        lambda w: [*RESTORE, "--table", PROFILES, "--backup-arn", _backup(w)],
    ),
    Case(
        _usage("restore --drill"),
        "restore-drill-all",
        lambda w: [*RESTORE, "--drill", "--all", "--report", str(w.tmp / "drill.json")],
    ),
    Case(
        _usage("restore --adopt-plan"),
        "restore-adopt-plan",
        lambda w: [*RESTORE, "--adopt-plan", "--table", PROFILES, "--restored", _restored_copy(w)],
    ),
    Case(
        _usage("copy --env ENV --from A --to B (--only-missing"),
        "copy-only-missing",
        lambda w: [
            "copy",
            "--env",
            "dev",
            "--from",
            _restored_copy(w),
            "--to",
            "dev-agent-profiles",
            "--only-missing",
        ],
    ),
    Case(
        _usage("copy --env ENV --from A --to B (--only-missing"),
        "copy-overwrite",
        lambda w: [
            "copy",
            "--env",
            "dev",
            "--from",
            _restored_copy(w),
            "--to",
            "dev-agent-profiles",
            "--overwrite",
        ],
    ),
    Case(
        _usage("copy --env ENV --from A --to B --overwrite --via-s3"),
        "copy-back-via-s3",
        lambda w: [
            "copy",
            "--env",
            "dev",
            "--from",
            _restored_copy(w),
            "--to",
            "dev-agent-profiles",
            "--overwrite",
            "--via-s3",
            f"s3://{BUCKET}/copy",
        ],
        staging=True,
    ),
    Case(
        _usage("copy --env ENV --from A --to B --overwrite --via-s3"),
        "copy-into-restored-via-s3",
        lambda w: [
            "copy",
            "--env",
            "dev",
            "--from",
            "dev-agent-profiles",
            "--to",
            _restored_copy(w),
            "--overwrite",
            "--via-s3",
            f"s3://{BUCKET}/copy",
        ],
        staging=True,
    ),
    Case(
        _usage("bulk status"),
        "bulk-status",
        lambda w: ["bulk", "status", _started_bulk(w), "--env", "dev"],
        staging=True,
    ),
    Case(
        _usage("bulk cancel"),
        "bulk-cancel",
        lambda w: ["bulk", "cancel", _started_bulk(w), "--env", "dev"],
        staging=True,
    ),
    Case(
        _usage("bulk cancel"),
        "bulk-cancel-into-restored",
        lambda w: ["bulk", "cancel", _started_bulk(w, _restored_copy(w)), "--env", "dev"],
        staging=True,
        roles=(consumer("recovery-operator").id,),
    ),
    Case(
        _usage("bulk list"), "bulk-list", lambda _w: ["bulk", "list", "--env", "dev"], staging=True
    ),
)
ROLE_CASES = [
    pytest.param(case, role, id=f"{case.name}-as-{role}")
    for case in CASES
    for role in case.entry.roles
]


# ---------------------------------------------------------------------- policies


@dataclass(frozen=True)
class Recorded:
    """What one case did: its exit code and output, and the permissions its calls need."""

    code: int
    err: str
    calls: tuple[Call, ...]
    required: tuple[Requirement, ...]


_RECORDINGS: dict[str, Recorded] = {}


def recorded(case: Case, tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    """Run ``case`` once per process, in a dev environment of its own, recording its calls."""
    if case.name not in _RECORDINGS:
        with dev_environment(tmp_path_factory.mktemp(case.name)) as world:
            argv = case.argv(world)  # setup calls happen here, before the recording
            lines = argv if isinstance(argv[0], list) else [argv]
            with recording() as calls, contextlib.redirect_stderr(io.StringIO()) as err:
                world.bulk.install(boto3.DEFAULT_SESSION)
                with contextlib.redirect_stdout(io.StringIO()):
                    code = max(main(line) for line in lines)
            account = world.account()
            required = dict.fromkeys(
                _canonical_key(r, world.key_arn)
                for call in calls
                for r in requirements(call, account)
            )
        _RECORDINGS[case.name] = Recorded(
            code=code,
            err=err.getvalue(),
            calls=tuple(calls),
            required=tuple(required),
        )
    return _RECORDINGS[case.name]


def _canonical_key(requirement: Requirement, key_arn: str) -> Requirement:
    """Each case's moto makes its own key: name it as one, as the policies are resolved."""
    if requirement.resource != key_arn:
        return requirement
    return dataclasses.replace(requirement, resource=DATA_KEY_ARN)


@pytest.fixture(scope="module")
def dev_templates() -> dict:
    config = load_from_cdk_json("dev")
    return template_cache.load_or_build("dev", build=lambda: synthesize(config).templates)


@pytest.fixture(scope="module")
def policies(dev_templates, staging_bucket_templates) -> Callable[[str, bool], Policy]:
    """``(role, staging) -> Policy``: the role as dev synthesizes it, with the staging
    bucket when ``staging``, resolved to moto's ARNs."""

    @functools.cache
    def policy(role: str, staging: bool, region: str = REGION) -> Policy:
        (template,) = (staging_bucket_templates if staging else dev_templates).values()
        others = {logical_id_of(template, "AWS::KMS::Key"): DATA_KEY_ARN}
        if staging:
            others[logical_id_of(template, "AWS::S3::Bucket")] = f"arn:aws:s3:::{BUCKET}"
        placement = Placement(
            partition="aws",
            region=region,
            account=MOTO_ACCOUNT,
            physical=physical_arns(
                template, partition="aws", region=region, account=MOTO_ACCOUNT, others=others
            ),
        )
        return role_policy(template, construct_id=consumer(role).construct_id, placement=placement)

    return policy


def denials(case: Case, role: str, policy: Policy, required) -> list[str]:
    return [
        f"`ddbctl {case.usage}` ({case.name}) as {role}: {r.action} on {r.resource} is denied"
        + (f" ({r.because})" if r.because else "")
        for r in policy.denied(required)
    ]


def test_every_command_that_reaches_aws_has_a_case_and_every_case_a_command():
    with_roles = {entry.usage for entry in COMMAND_ROLES if entry.roles}
    assert {case.usage for case in CASES} == with_roles
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("usage", sorted({case.usage for case in CASES}), ids=str)
def test_the_documented_role_allows_every_call_the_command_makes(usage, policies, tmp_path_factory):
    """Each role the docs name for ``usage`` allows every call of each of its cases; with
    any one needed action struck from the role, the check names that action."""
    for case in [case for case in CASES if case.usage == usage]:
        run = recorded(case, tmp_path_factory)
        assert run.code == 0, f"ddbctl {case.name} failed:\n{run.err}"
        assert run.calls, f"{case.name} made no AWS call: it needs no role"
        for role in case.run_as:
            policy = policies(role, case.staging)
            denied = denials(case, role, policy, run.required)
            assert not denied, "\n".join(denied)
            for action in sorted({r.action for r in run.required}):
                found = denials(case, role, policy.without_action(action), run.required)
                assert found, f"{case.name}: striking {action} from {role} went unnoticed"
                assert all(action in line and case.usage in line for line in found), found


OPERATOR_ROLES = sorted({role for case in CASES for role in case.run_as})


@pytest.mark.parametrize("role", OPERATOR_ROLES)
def test_every_action_a_role_holds_is_used_by_a_command_it_runs(role, policies, tmp_path_factory):
    """The reverse direction: a statement's action that no recorded call (nor what AWS
    documents a call needs) uses is a grant without a reason, and fails here."""
    runs = [(case, recorded(case, tmp_path_factory)) for case in CASES if role in case.run_as]
    for staging in (False, True):
        policy = policies(role, staging)
        required = [r for case, run in runs if case.staging <= staging for r in run.required]
        unused = [
            f"{role}{' (with the staging bucket)' if staging else ''}: {action} on "
            f"{', '.join(statement.resources)}"
            for statement in policy.statements
            for action in statement.actions
            if not any(
                statement.applies_to(r) and r.action.lower() == action.lower() for r in required
            )
        ]
        assert not unused, "granted, but no command of this role uses it:\n" + "\n".join(unused)


def test_every_managed_policy_fits_iam_s_size_limit(policies, dev_templates):
    """IAM refuses a managed policy over 6,144 characters at deploy time, which no synth
    check catches; the recovery operator's grows with every table."""
    for role in CONSUMER_IDS:
        for staging in (False, True):
            # The longest region name there is: every ARN in the policy carries it.
            size = policies(role, staging, "ap-southeast-2").size
            assert size <= MANAGED_POLICY_MAX_CHARACTERS, f"{role}: {size} characters"

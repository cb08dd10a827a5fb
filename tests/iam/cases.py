"""Each documented command, as a case the permission tests run: its command lines, the
setup it needs in a dev environment in moto, and a recording of the calls it made.

Shared by the integration tier (every command against its role's synthesized policy) and
the infra tier (a catalog change reaches the same check).
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import pickle
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
from catalog.consumers import consumer
from catalog.naming import data_key_alias
from ddbctl.cli import main
from ddbctl.environment_tables import create_environment_tables
from ddbctl.seeding import seed_environment
from settings import load_from_cdk_json
from tests.iam.calls import Account, recording, requirements, restored_base, session
from tests.iam.fake_bulk import FakeBulkPut
from tests.iam.moto_fidelity import behave_like_dynamodb
from tests.iam.policy import Policy, Requirement
from tests.profiles import profile, write_files
from tests.shared_files import locked, write_atomically

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
    calls: tuple[str, ...]  # "service:Operation", in order
    required: tuple[Requirement, ...]


_RECORDINGS: dict[str, Recorded] = {}


def recorded(case: Case, tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    """Run ``case`` once per test run, in a dev environment of its own, recording its calls.

    Under xdist the workers of one run share a base directory: the first worker to need a
    case records it there, and the others read that recording instead of running it again.
    """
    if case.name in _RECORDINGS:
        return _RECORDINGS[case.name]
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        _RECORDINGS[case.name] = _record(case, tmp_path_factory)
        return _RECORDINGS[case.name]
    shared = tmp_path_factory.getbasetemp().parent / "command-recordings"
    entry = shared / f"{case.name}.pickle"
    with locked(shared / f"{case.name}.lock"):
        if entry.is_file():
            run = pickle.loads(entry.read_bytes())  # noqa: S301 - written by this run
        else:
            run = _record(case, tmp_path_factory)
            write_atomically(entry, pickle.dumps(run))
    _RECORDINGS[case.name] = run
    return run


def _record(case: Case, tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    with dev_environment(tmp_path_factory.mktemp(case.name)) as world:
        argv = case.argv(world)  # setup calls happen here, before the recording
        lines = argv if isinstance(argv[0], list) else [argv]
        with recording() as calls, contextlib.redirect_stderr(io.StringIO()) as err:
            world.bulk.install(boto3.DEFAULT_SESSION)
            with contextlib.redirect_stdout(io.StringIO()):
                code = max(main(line) for line in lines)
        account = world.account()
        required = dict.fromkeys(
            _canonical_key(r, world.key_arn) for call in calls for r in requirements(call, account)
        )
    names = tuple(str(call) for call in calls)  # a call's parameters may hold open streams
    return Recorded(code=code, err=err.getvalue(), calls=names, required=tuple(required))


def _canonical_key(requirement: Requirement, key_arn: str) -> Requirement:
    """Each case's moto makes its own key: name it as one, as the policies are resolved."""
    if requirement.resource != key_arn:
        return requirement
    return dataclasses.replace(requirement, resource=DATA_KEY_ARN)


def denials(case: Case, role: str, policy: Policy, required) -> list[str]:
    return [
        f"`ddbctl {case.usage}` ({case.name}) as {role}: {r.action} on {r.resource} is denied"
        + (f" ({r.because})" if r.because else "")
        for r in policy.denied(required)
    ]

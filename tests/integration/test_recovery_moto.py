"""``ddbctl restore`` and ``copy`` against ``ddbctl local up --backend moto``: the issue's
acceptance lines, each refusal, the drill and the adoption plan.

moto's RestoreTableToPointInTime copies the items and it keeps continuous backups
and tags; the request fields it ignores are checked in tests/test_recovery_requests.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
import requests

import catalog
from ddbctl.cli import main
from ddbctl.environment_tables import create_environment_tables, expected_tags
from ddbctl.local_server import free_port
from ddbctl.recovery.encryption import ensure_data_key, key_alias
from ddbctl.seeding import seed_environment
from settings import load_from_cdk_json

SOURCE = "dev-agent-profiles"
EXTRA_PROFILES = 30


@pytest.fixture(scope="module")
def _moto_server(tmp_path_factory):
    """One ``local up --backend moto`` server for the module: starting one costs about
    1.5 s. Its record lives in a state directory of the module's own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DDBCTL_STATE_DIR", str(tmp_path_factory.mktemp("moto-state")))
        port = free_port()
        assert main(["local", "up", "--port", str(port), "--backend", "moto", "--no-seed"]) == 0
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            main(["local", "down", "--port", str(port)])


@pytest.fixture
def endpoint(_moto_server):
    """The dev tables as ``local up`` makes and seeds them, more profiles, and the env's key
    alias, on the module's server wiped of everything an earlier test left (the wipe takes
    the key that ``local up`` made, so it is made again)."""
    url = _moto_server
    requests.post(f"{url}/moto-api/reset", timeout=30).raise_for_status()
    options = {"region_name": "us-east-1", "endpoint_url": url}
    client = boto3.client("dynamodb", **options)
    config = load_from_cdk_json("dev")
    create_environment_tables(client, config)
    seed_environment(client=client, config=config)
    ensure_data_key(boto3.client("kms", **options), environment="dev")  # as `local up` does
    extra = [
        {"id": {"S": f"extra-{n:03d}"}, "job": {"S": "plumber"}, "n": {"N": str(n)}}
        for n in range(EXTRA_PROFILES)
    ]
    for start in range(0, EXTRA_PROFILES, 25):  # 25 a batch; moto leaves none unprocessed
        puts = [
            {"PutRequest": {"Item": {**item, "location_city": {"S": "Lyon"}}}}
            for item in extra[start : start + 25]
        ]
        client.batch_write_item(RequestItems={SOURCE: puts})
    return url


def dynamodb(url: str):
    return boto3.client("dynamodb", region_name="us-east-1", endpoint_url=url)


def items(url: str, table: str) -> dict[str, dict]:
    pages = dynamodb(url).get_paginator("scan").paginate(TableName=table)
    return {item["id"]["S"]: item for page in pages for item in page["Items"]}


def restore(url: str, *extra: str) -> int:
    return main(["restore", "--env", "dev", "--endpoint-url", url, "--poll-seconds", "0", *extra])


def test_restore_latest_has_the_catalogs_keys_indexes_pitr_ttl_tags_and_items(endpoint, capsys):
    target = "dev-agent-profiles-restored-test"
    assert restore(endpoint, "--table", "agent-profiles", "--latest", "--as", target, "--yes") == 0
    out = capsys.readouterr().out
    client = dynamodb(endpoint)
    table = client.describe_table(TableName=target)["Table"]
    spec = catalog.table("agent-profiles")
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert sorted(i["IndexName"] for i in table["GlobalSecondaryIndexes"]) == sorted(
        i.name for i in spec.global_indexes
    )
    pitr = client.describe_continuous_backups(TableName=target)["ContinuousBackupsDescription"]
    config = load_from_cdk_json("dev")
    assert pitr["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    assert pitr["PointInTimeRecoveryDescription"]["RecoveryPeriodInDays"] == (
        config.pitr_recovery_days
    )
    ttl = client.describe_time_to_live(TableName=target)["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] == "DISABLED"  # agent-profiles has no TTL in the catalog
    tags = {
        t["Key"]: t["Value"]
        for t in client.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"]
    }
    assert expected_tags(spec, config).items() <= tags.items()
    assert tags["RestoredFrom"] == SOURCE
    assert items(endpoint, target) == items(endpoint, SOURCE)
    count = len(items(endpoint, SOURCE))
    assert f"items: {count} in {target}, {count} in {SOURCE} now" in out
    assert out.rstrip().endswith("OK")


def test_restore_re_applies_the_catalogs_ttl(endpoint, capsys):
    spec = catalog.table("market_intelligence_requests")
    source = load_from_cdk_json("dev").table_name(spec)
    target = f"{source}-restored-ttl"
    assert restore(endpoint, "--table", spec.key, "--latest", "--as", target) == 0
    ttl = dynamodb(endpoint).describe_time_to_live(TableName=target)["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", spec.ttl_attribute)


def test_default_name_is_the_physical_name_restored_at_a_utc_time(endpoint, capsys):
    assert restore(endpoint, "--table", "agent-profiles", "--latest") == 0
    names = dynamodb(endpoint).list_tables()["TableNames"]
    (restored,) = [name for name in names if name.startswith(f"{SOURCE}-restored-")]
    assert datetime.strptime(restored.rsplit("-", 1)[1], "%Y%m%dT%H%M%SZ")


def test_only_missing_brings_back_exactly_the_deleted_items(endpoint, capsys):
    restored = "dev-agent-profiles-restored-copyback"
    assert restore(endpoint, "--table", "agent-profiles", "--latest", "--as", restored) == 0
    client = dynamodb(endpoint)
    before = items(endpoint, SOURCE)
    deleted = sorted(before)[:10]
    for key in deleted:
        client.delete_item(TableName=SOURCE, Key={"id": {"S": key}})
    changed = sorted(before)[10]
    client.update_item(
        TableName=SOURCE,
        Key={"id": {"S": changed}},
        UpdateExpression="SET job = :j",
        ExpressionAttributeValues={":j": {"S": "changed after the restore"}},
    )
    capsys.readouterr()
    argv = ["copy", "--env", "dev", "--endpoint-url", endpoint, "--from", restored]
    assert main([*argv, "--to", SOURCE, "--only-missing", "--yes"]) == 0
    out = capsys.readouterr().out
    total = len(before)
    assert f"scanned {total} = written 10 + skipped {total - 10} + failed 0" in out
    after = items(endpoint, SOURCE)
    assert set(after) == set(before)
    assert {key: after[key] for key in deleted} == {key: before[key] for key in deleted}
    assert after[changed]["job"] == {"S": "changed after the restore"}


def test_restoring_onto_an_existing_name_is_refused_in_one_line(endpoint, capsys):
    taken = "dev-agent-conversations"
    assert restore(endpoint, "--table", "agent-profiles", "--latest", "--as", taken) == 1
    err = capsys.readouterr().err
    assert err == (
        f"ddbctl restore: error: table {taken} already exists: choose another name with --as, "
        "or delete it first\n"
    )


def test_a_table_not_in_the_catalog_is_refused(endpoint, capsys):
    assert restore(endpoint, "--table", "no-such-table", "--latest") == 1
    err = capsys.readouterr().err
    assert err.startswith("ddbctl restore: error: unknown table 'no-such-table'; valid tables: ")
    assert err.endswith(": pass a catalog key with --table\n") and err.count("\n") == 1


def test_a_time_outside_the_pitr_window_names_the_window(endpoint, capsys):
    long_ago = (datetime.now(UTC) - timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert restore(endpoint, "--table", "agent-profiles", "--to-time", long_ago) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        f"ddbctl restore: error: {long_ago} is outside {SOURCE}'s restore window: earliest "
        "restorable 20"
    )
    assert ", latest restorable 20" in err and err.count("\n") == 1
    assert not [n for n in dynamodb(endpoint).list_tables()["TableNames"] if "-restored-" in n]


def test_a_source_without_pitr_is_refused(endpoint, capsys):
    dynamodb(endpoint).update_continuous_backups(
        TableName=SOURCE, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False}
    )
    assert restore(endpoint, "--table", "agent-profiles", "--latest") == 1
    assert capsys.readouterr().err == (
        f"ddbctl restore: error: {SOURCE} has no point-in-time recovery (status DISABLED): "
        "restore from a backup with --backup-arn instead\n"
    )


def test_a_backup_restores_and_a_backup_of_another_table_is_refused(endpoint, capsys):
    client = dynamodb(endpoint)
    arn = client.create_backup(TableName=SOURCE, BackupName="before-the-fix")["BackupDetails"][
        "BackupArn"
    ]
    target = f"{SOURCE}-restored-backup"
    assert restore(endpoint, "--table", "agent-profiles", "--backup-arn", arn, "--as", target) == 0
    assert items(endpoint, target) == items(endpoint, SOURCE)
    capsys.readouterr()
    assert restore(endpoint, "--table", "agent-conversations", "--backup-arn", arn) == 1
    assert capsys.readouterr().err == (
        f"ddbctl restore: error: backup {arn} is of {SOURCE}, not dev-agent-conversations: "
        "pass a backup of this table, or the matching --table\n"
    )


def test_the_drill_exits_0_leaves_no_table_and_writes_a_report(endpoint, tmp_path, capsys):
    report = tmp_path / "drill.json"
    argv = ["--drill", "--table", "agent-profiles", "--yes", "--report", str(report)]
    before = set(dynamodb(endpoint).list_tables()["TableNames"])
    assert restore(endpoint, *argv) == 0
    out = capsys.readouterr().out
    assert set(dynamodb(endpoint).list_tables()["TableNames"]) == before
    document = json.loads(report.read_text())
    assert document["ok"] is True and document["environment"] == "dev"
    (table,) = document["tables"]
    assert table["deleted"] is True and table["source_items"] == table["restored_items"] > 0
    assert table["scratch"].startswith(f"{SOURCE}-restored-drill-")
    assert f"report: {report}" in out


def test_a_failing_drill_still_deletes_its_scratch_table(endpoint, tmp_path, capsys):
    report = tmp_path / "drill.json"
    before = set(dynamodb(endpoint).list_tables()["TableNames"])
    # The count drifts when the scratch copy misses an item: the drill must fail, and clean up.
    argv = ["--drill", "--all", "--report", str(report), "--allow-count-drift", "-1"]
    assert restore(endpoint, *argv) == 1
    assert set(dynamodb(endpoint).list_tables()["TableNames"]) == before
    document = json.loads(report.read_text())
    assert document["ok"] is False
    assert len(document["tables"]) == len(catalog.TABLES)
    assert all(t["deleted"] and "item count" in t["failed_checks"] for t in document["tables"])


def test_adopt_plan_prints_the_commands_for_the_environments_stack(endpoint, capsys):
    from ddbctl.recovery.adopt import stack_names

    restored = f"{SOURCE}-restored-adopt"
    assert restore(endpoint, "--table", "agent-profiles", "--latest", "--as", restored) == 0
    capsys.readouterr()
    argv = ["--adopt-plan", "--table", "agent-profiles", "--restored", restored]
    assert restore(endpoint, *argv) == 0
    out = capsys.readouterr().out
    (stack,) = [n for n in stack_names(load_from_cdk_json("dev")) if "agent-matching" in n] or [
        n for n in stack_names(load_from_cdk_json("dev"))
    ]
    assert f"npx cdk --context env=dev import {stack}" in out
    assert json.dumps({"table_names": {"agent-profiles": restored}}) in out


def test_adopt_plan_refuses_a_table_with_other_keys(endpoint, capsys):
    argv = ["--adopt-plan", "--table", "agent-profiles", "--restored", "dev-agent-conversations"]
    assert restore(endpoint, *argv) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "ddbctl restore: error: dev-agent-conversations cannot be adopted as agent-profiles: "
        "key schema: "
    )
    assert err.count("\n") == 1


def test_staging_without_yes_says_what_it_would_do_and_creates_nothing(endpoint, capsys):
    argv = ["restore", "--env", "staging", "--endpoint-url", endpoint, "--table", "agent-profiles"]
    create_environment_tables(dynamodb(endpoint), load_from_cdk_json("staging"))
    kms = boto3.client("kms", region_name="us-east-1", endpoint_url=endpoint)
    key = kms.create_key()["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName=key_alias("staging"), TargetKeyId=key)
    capsys.readouterr()
    assert main([*argv, "--latest"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("would restore staging-agent-profiles as of the latest restorable time")
    assert out.endswith(
        f"(encrypted with {key}) in staging: nothing done; re-run with --yes to do it\n"
    )
    names = dynamodb(endpoint).list_tables()["TableNames"]
    assert not [n for n in names if "-restored-" in n]


WRITE_OPERATIONS = (
    "put_item",
    "update_item",
    "delete_item",
    "batch_write_item",
    "update_table",
    "update_time_to_live",
    "update_continuous_backups",
    "tag_resource",
    "delete_table",
)


class _Recording:
    """A client that records which table every write names."""

    def __init__(self, client, writes: list[tuple[str, str]]) -> None:
        self._client, self._writes = client, writes

    def __getattr__(self, name):
        method = getattr(self._client, name)
        if name not in WRITE_OPERATIONS:
            return method

        def record(**kwargs):
            table = kwargs.get("TableName") or kwargs.get("ResourceArn", "").rsplit("/", 1)[-1]
            for target in kwargs.get("RequestItems", {}):
                table = target
            self._writes.append((name, table))
            return method(**kwargs)

        return record


def test_restore_and_drill_never_write_to_the_source(endpoint, monkeypatch, capsys):
    from ddbctl.context import CommandContext

    writes: list[tuple[str, str]] = []
    real = CommandContext.client
    monkeypatch.setattr(
        CommandContext, "client", lambda self, **o: _Recording(real(self, **o), writes)
    )
    assert restore(endpoint, "--table", "agent-profiles", "--latest") == 0
    assert restore(endpoint, "--drill", "--table", "agent-profiles") == 0
    assert writes, "the restore re-applies settings and verifies: it writes somewhere"
    assert {table for _, table in writes} and all(
        table.startswith(f"{SOURCE}-restored-") for _, table in writes
    ), writes


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--table", "agent-profiles"], "say what to restore: --to-time, --latest or --backup-arn"),
        (["--latest"], "--table is required"),
        (["--drill"], "--drill needs --table KEY or --all"),
        (["--drill", "--all", "--latest"], "--drill restores the latest time into a scratch"),
        (["--adopt-plan", "--table", "agent-profiles"], "--adopt-plan needs --table KEY and"),
        (["--table", "agent-profiles", "--latest", "--all"], "--all, --restored and --report go"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(argv, message, capsys):
    assert main(["restore", "--env", "dev", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"ddbctl restore: error: {message}") and err.count("\n") == 1


def test_a_time_without_a_zone_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["restore", "--env", "dev", "--table", "agent-profiles", "--to-time", "2026-12-01"])
    assert exit_info.value.code == 2
    assert "'2026-12-01' has no time zone: add Z for UTC" in capsys.readouterr().err


def test_a_missing_key_alias_names_kms_key(endpoint, capsys):
    argv = ["--table", "agent-profiles", "--latest"]
    assert main(["restore", "--env", "staging", "--endpoint-url", endpoint, *argv]) == 1
    err = capsys.readouterr().err
    assert "cannot find the staging data key through alias/staging-dynamodb-data" in err
    assert err.endswith(
        ": pass its ARN with --kms-key; to rehearse locally, run `ddbctl local up --env "
        "staging --backend moto`, which creates it\n"
    )


def test_adopt_plan_without_a_lock_entry_names_make_lock(endpoint, tmp_path, capsys):
    from ddbctl.errors import CliError
    from ddbctl.recovery.adopt import plan_adoption

    restored = f"{SOURCE}-restored-nolock"
    assert restore(endpoint, "--table", "agent-profiles", "--latest", "--as", restored) == 0
    with pytest.raises(CliError, match=r"table-locks/dev.json does not exist|make lock"):
        plan_adoption(
            dynamodb(endpoint),
            spec=catalog.table("agent-profiles"),
            config=load_from_cdk_json("dev"),
            restored=restored,
            lock_dir=tmp_path,
        )


def test_ctrl_c_while_waiting_says_what_is_left_in_aws(endpoint, monkeypatch, capsys):
    from ddbctl.commands import restore as restore_command

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(restore_command, "finish_restore", interrupted)
    target = f"{SOURCE}-restored-ctrlc"
    assert restore(endpoint, "--table", "agent-profiles", "--latest", "--as", target) == 130
    assert capsys.readouterr().err == (
        f"ddbctl restore: interrupted: the restore into {target} goes on in AWS, without TTL, "
        "PITR, deletion protection or tags: delete that table, or restore again\n"
    )

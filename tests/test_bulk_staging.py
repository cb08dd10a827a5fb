"""migrate-profiles --via-s3 --stage-only against a moto server serving DynamoDB and S3:
the staged objects hold exactly what the direct path writes, with the same rejects, and a
second run uploads nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ddbctl.cli import main
from tests.bulk_fixtures import BUCKET, TABLE, listing, moto_endpoint, services, staged_items
from tests.profiles import profile, read_rejects, write_files
from tests.test_migrate_inputs import BAD_INPUTS

__all__ = ["moto_endpoint", "services"]  # fixtures, used by name


def messy_source(directory: Path) -> Path:
    records: dict = {f"good-{n:02d}.json": profile(n) for n in range(12)}
    records["array.json"] = [profile(40), 42, profile(41, job="  ")]
    records["dupe.json"] = profile(3)  # the same id as good-03.json
    records["unicode.json"] = profile(50, name="Zoë ✓", description="naïve café")
    for number, case in enumerate(sorted(BAD_INPUTS)):
        records[f"bad-{number:02d}.json"] = BAD_INPUTS[case][0]
    write_files(directory, records)
    (directory / "lines.jsonl").write_text(
        json.dumps(profile(60)) + "\n\n" + "{not json\n" + json.dumps(profile(61)) + "\n"
    )
    return directory


def scan(client) -> list[dict]:
    pages = client.get_paginator("scan").paginate(TableName=TABLE, ConsistentRead=True)
    return sorted((i for page in pages for i in page["Items"]), key=lambda i: i["id"]["S"])


def migrate(source: Path, endpoint: str, rejects: Path, *extra: str) -> int:
    return main(
        [
            "migrate-profiles",
            str(source),
            "--env",
            "dev",
            "--endpoint-url",
            endpoint,
            "--rejects",
            str(rejects),
            *extra,
        ]
    )


def test_staged_objects_decode_to_what_the_direct_path_writes(
    services, moto_endpoint, tmp_path, capsys
):
    dynamodb, s3 = services
    source = messy_source(tmp_path / "in")
    assert migrate(source, moto_endpoint, tmp_path / "direct.jsonl") == 1
    direct_out = capsys.readouterr().out
    written = scan(dynamodb)
    assert written, "the direct path wrote the valid records"

    uri = f"s3://{BUCKET}/load/one"
    assert (
        migrate(source, moto_endpoint, tmp_path / "bulk.jsonl", "--via-s3", uri, "--stage-only")
        == 1
    )
    out = capsys.readouterr().out
    assert staged_items(s3, "load/one/data/") == written
    assert read_rejects(tmp_path / "bulk.jsonl") == read_rejects(tmp_path / "direct.jsonl")
    direct_counts = direct_out.splitlines()[1]
    staged_counts = next(line for line in out.splitlines() if line.startswith("read "))
    assert staged_counts == direct_counts.replace("= written", "= staged")
    start = next(line for line in out.splitlines() if line.startswith("start the load with: "))
    assert start.endswith(f"--via-s3 {uri}/ --rejects {tmp_path / 'bulk.jsonl'}")
    assert "--stage-only" not in start
    manifest = json.loads(s3.get_object(Bucket=BUCKET, Key="load/one/manifest.json")["Body"].read())
    assert manifest["items"] == len(written)
    assert manifest["input"] == {
        "bucket": BUCKET,
        "prefix": "load/one/data/",
        "format": "DYNAMODB_JSON",
        "compression": "GZIP",
    }
    heads = {
        entry["key"]: s3.head_object(Bucket=BUCKET, Key=entry["key"])["Metadata"]["sha256"]
        for entry in manifest["objects"]
    }
    assert heads == {entry["key"]: entry["sha256"] for entry in manifest["objects"]}


def test_a_second_stage_only_run_uploads_and_changes_nothing(
    services, moto_endpoint, tmp_path, capsys
):
    _, s3 = services
    source = messy_source(tmp_path / "in")
    args = ("--via-s3", f"s3://{BUCKET}/again", "--stage-only")
    assert migrate(source, moto_endpoint, tmp_path / "r.jsonl", *args) == 1
    assert ", 0 already there;" in capsys.readouterr().out
    before = listing(s3)
    assert migrate(source, moto_endpoint, tmp_path / "r.jsonl", *args) == 1
    assert "manifest: 0 uploaded, " in capsys.readouterr().out
    assert listing(s3) == before


def test_objects_are_split_within_the_size_bound_and_named_by_content(
    services, moto_endpoint, tmp_path, monkeypatch, capsys
):
    _, s3 = services
    monkeypatch.setattr("ddbctl.bulk.staging.DEFAULT_OBJECT_BYTES", 4096)
    write_files(tmp_path / "in", {f"p{n:03d}.json": profile(n) for n in range(40)})
    args = ("--via-s3", f"s3://{BUCKET}/split", "--stage-only")
    assert migrate(tmp_path / "in", moto_endpoint, tmp_path / "r.jsonl", *args) == 0
    manifest = json.loads(s3.get_object(Bucket=BUCKET, Key="split/manifest.json")["Body"].read())
    assert len(manifest["objects"]) > 1
    assert sum(entry["items"] for entry in manifest["objects"]) == 40
    for entry in manifest["objects"]:
        assert entry["key"] == f"split/data/{entry['sha256']}.json.gz"
    assert len(staged_items(s3, "split/data/")) == 40
    assert (
        capsys.readouterr().out.splitlines()[-1]
        == "read 40 = staged 40 + rejected 0 + not written 0"
    )


def test_objects_under_data_that_this_input_did_not_produce_are_refused(
    services, moto_endpoint, tmp_path, capsys
):
    _, s3 = services
    s3.put_object(Bucket=BUCKET, Key="busy/data/old.json.gz", Body=b"x")
    write_files(tmp_path / "in", {"p.json": profile(1)})
    args = ("--via-s3", f"s3://{BUCKET}/busy", "--stage-only")
    assert migrate(tmp_path / "in", moto_endpoint, tmp_path / "r.jsonl", *args) == 1
    err = capsys.readouterr().err.strip()
    assert err.endswith(
        "holds 1 object(s) this input did not produce (e.g. busy/data/old.json.gz), which the "
        "bulk put would load too: stage under a new PREFIX, or delete them"
    )
    assert "\n" not in err


def test_a_missing_bucket_is_one_line_naming_the_fix(services, moto_endpoint, tmp_path, capsys):
    write_files(tmp_path / "in", {"p.json": profile(1)})
    args = ("--via-s3", "s3://no-such-bucket/x", "--stage-only")
    assert migrate(tmp_path / "in", moto_endpoint, tmp_path / "r.jsonl", *args) == 1
    err = capsys.readouterr().err
    assert err == (
        f"ddbctl migrate-profiles: error: bucket no-such-bucket does not exist at {moto_endpoint}: "
        "create it (or set bulk_load_bucket for the environment) or set $AWS_ENDPOINT_URL_S3\n"
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--stage-only",), "--stage-only needs --via-s3 s3://BUCKET/PREFIX"),
        (("--tier", "accelerated"), "--tier needs --via-s3 s3://BUCKET/PREFIX"),
        (("--via-s3", f"s3://{BUCKET}/p", "--dry-run"), "--dry-run writes nothing"),
        (("--via-s3", f"s3://{BUCKET}/p", "--resume"), "--via-s3 keeps no checkpoint"),
    ],
)
def test_flags_that_do_not_go_together_are_usage_errors(extra, message, tmp_path, capsys):
    write_files(tmp_path / "in", {"p.json": profile(1)})
    assert migrate(tmp_path / "in", "http://127.0.0.1:9", tmp_path / "r.jsonl", *extra) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("bucket/prefix", "is not an s3:// URI"),
        ("s3://Bad_Bucket/p", "is not an S3 bucket name"),
        ("s3://bucket/a$b", "cannot carry"),
    ],
)
def test_a_bad_staging_location_is_a_one_line_usage_error(value, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["migrate-profiles", str(tmp_path), "--env", "dev", "--via-s3", value])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


def test_write_units_below_the_api_floor_are_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["migrate-profiles", str(tmp_path), "--env", "dev", "--max-write-units", "10"])
    assert exited.value.code == 2
    assert "must be a whole number of at least 1024" in capsys.readouterr().err


def test_s3_follows_its_own_variable_never_the_dynamodb_endpoint(monkeypatch):
    from ddbctl.bulk.clients import s3_client

    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:5000")
    assert s3_client(region="us-east-1").meta.endpoint_url == "http://127.0.0.1:5000"
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    assert s3_client(region="us-east-1").meta.endpoint_url == "https://s3.amazonaws.com"


def test_when_every_record_is_bad_nothing_is_staged_or_started(
    services, moto_endpoint, tmp_path, capsys
):
    _, s3 = services
    write_files(tmp_path / "in", {"bad.json": {"data": {"name": "No Id"}}})
    args = ("--via-s3", f"s3://{BUCKET}/empty", "--stage-only")
    assert migrate(tmp_path / "in", moto_endpoint, tmp_path / "r.jsonl", *args) == 1
    out = capsys.readouterr().out
    assert "nothing to load: no record was valid" in out
    assert "read 1 = staged 0 + rejected 1 + not written 0" in out
    assert list(listing(s3, "empty/data/")) == []


def test_an_upload_error_stops_the_run_and_starts_nothing(
    services, moto_endpoint, tmp_path, monkeypatch, capsys
):
    from botocore.exceptions import ClientError

    def refuse(self, *args, **kwargs):
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "PutObject")

    monkeypatch.setattr("ddbctl.bulk.staging.DEFAULT_OBJECT_BYTES", 2048)
    monkeypatch.setattr("ddbctl.bulk.staging.S3Stager._upload", refuse)
    write_files(tmp_path / "in", {f"p{n}.json": profile(n) for n in range(20)})
    args = ("--via-s3", f"s3://{BUCKET}/denied", "--stage-only")
    assert migrate(tmp_path / "in", moto_endpoint, tmp_path / "r.jsonl", *args) == 1
    captured = capsys.readouterr()
    assert "while staging; nothing was started: run the same command again" in captured.err
    assert "bulk put started" not in captured.out


def test_ctrl_c_while_staging_starts_nothing(
    services, moto_endpoint, tmp_path, monkeypatch, capsys
):
    def interrupt(self, entry):
        raise KeyboardInterrupt

    monkeypatch.setattr("ddbctl.bulk.staging.S3Stager._add", interrupt)
    write_files(tmp_path / "in", {"p.json": profile(1)})
    args = ("--via-s3", f"s3://{BUCKET}/stop", "--stage-only")
    assert migrate(tmp_path / "in", moto_endpoint, tmp_path / "r.jsonl", *args) == 130
    assert "interrupted while staging; nothing was started" in capsys.readouterr().err


def test_a_load_against_a_local_server_needs_stage_only(services, moto_endpoint, tmp_path, capsys):
    _, s3 = services
    write_files(tmp_path / "in", {"p.json": profile(1)})
    args = ("--via-s3", f"s3://{BUCKET}/local")
    assert migrate(tmp_path / "in", moto_endpoint, tmp_path / "r.jsonl", *args) == 2
    assert capsys.readouterr().err == (
        f"ddbctl migrate-profiles: error: {moto_endpoint} is a local server, and neither "
        "DynamoDB Local nor moto has the bulk put: add --stage-only to try the staging, or "
        "drop --via-s3\n"
    )
    assert listing(s3) == {}


def test_a_second_run_on_the_same_rejects_file_is_refused_while_one_runs(
    services, moto_endpoint, tmp_path, capsys
):
    from ddbctl.exclusive import exclusive, lock_path_for

    write_files(tmp_path / "in", {"p.json": profile(1)})
    rejects = tmp_path / "r.jsonl"
    args = ("--via-s3", f"s3://{BUCKET}/locked", "--stage-only")
    with exclusive(lock_path_for(rejects), busy_message="held by the test"):
        assert migrate(tmp_path / "in", moto_endpoint, rejects, *args) == 1
    assert capsys.readouterr().err == (
        f"ddbctl migrate-profiles: error: another migrate-profiles run is writing the rejects "
        f"file {rejects}: let it finish, or pass another --rejects\n"
    )

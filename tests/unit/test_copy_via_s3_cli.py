"""``ddbctl copy --via-s3``: the flag reaches the managed engine, and its refusals are one
line before anything is exported."""

from __future__ import annotations

import pytest

import ddbctl.commands.copy as command
from ddbctl.bulk.export_copy import ONLY_MISSING_REFUSAL, CopyOutcome
from ddbctl.cli import main
from ddbctl.context import CommandContext

DESCRIBED = {
    "Table": {
        "TableName": "dev-a",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    }
}
BASE = ["copy", "--env", "dev", "--from", "dev-a", "--to", "dev-b"]


def test_only_missing_and_resume_are_refused_before_any_request(capsys):
    assert main([*BASE, "--only-missing", "--via-s3", "s3://bucket/p/"]) == 2
    assert capsys.readouterr().err == f"ddbctl copy: error: {ONLY_MISSING_REFUSAL}\n"
    assert main([*BASE, "--overwrite", "--resume", "--via-s3", "s3://bucket/p/"]) == 2
    assert "drop --resume" in capsys.readouterr().err


def test_a_local_endpoint_is_refused_in_one_line_before_any_request(capsys):
    argv = [*BASE, "--overwrite", "--via-s3", "s3://bucket/p/"]
    assert main([*argv, "--endpoint-url", "http://127.0.0.1:8000"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert "neither DynamoDB Local nor moto has the bulk put" in line


@pytest.mark.parametrize(
    ("status", "failed", "code"), [("COMPLETED", 0, 0), ("COMPLETED", 3, 1), ("FAILED", 0, 1)]
)
def test_the_flag_runs_the_export_and_bulk_put_engine(
    stubbed, monkeypatch, capsys, status, failed, code
):
    client, stubber = stubbed
    stubber.add_response("describe_table", DESCRIBED)
    stubber.add_response("describe_table", DESCRIBED)
    monkeypatch.setattr(CommandContext, "client", lambda self, **options: client)
    calls = []

    def engine(**arguments):
        calls.append(arguments)
        return CopyOutcome(
            export_arn="arn:export",
            data_prefix="p/export/data/",
            operation={"BulkOperationStatus": status, "FailedItemCount": failed},
        )

    monkeypatch.setattr(command, "copy_via_s3", engine)
    argv = [*BASE, "--overwrite", "--via-s3", "s3://bucket/p/", "--tier", "accelerated"]
    assert main(argv) == code
    (call,) = calls
    assert (call["source_table"], call["target_table"]) == ("dev-a", "dev-b")
    assert call["staging"].bucket == "bucket"
    assert call["settings"].tier == "accelerated"
    assert call["only_missing"] is False
    assert "copy: export arn:export -> bulk put" in capsys.readouterr().out

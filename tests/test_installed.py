"""The installed front doors: ``ddbctl`` from any directory, the constructs as a library
in another CDK app, and ``cdk deploy --context env=prod`` exactly as typed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.profiles import profile, write_files
from tests.test_migrate_local import tables  # noqa: F401 - the DynamoDB Local tables fixture

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NODE_BIN = ROOT / "node_modules" / ".bin"


def run(command: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout=120):
    merged = {**os.environ, "PATH": f"{NODE_BIN}{os.pathsep}{os.environ['PATH']}", **(env or {})}
    return subprocess.run(
        command, cwd=cwd, env=merged, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture
def elsewhere(tmp_path) -> Path:
    """A working directory outside the checkout, as an operator's data folder would be."""
    folder = tmp_path / "operator"
    folder.mkdir()
    return folder


def test_the_console_script_and_the_module_work_from_any_directory(elsewhere):
    help_text = run([str(BIN / "ddbctl"), "--help"], cwd=elsewhere)
    assert help_text.returncode == 0, help_text.stderr
    assert "usage: ddbctl" in help_text.stdout
    for command in ([str(BIN / "ddbctl")], [sys.executable, "-m", "ddbctl"]):
        listed = run([*command, "tables", "--env", "dev"], cwd=elsewhere)
        assert listed.returncode == 0, listed.stderr
        assert "dev-agent-profiles" in listed.stdout
    assert list(elsewhere.iterdir()) == [], "ddbctl tables leaves nothing behind"


@pytest.mark.integration
def test_migrate_profiles_runs_from_the_operators_data_folder(tables, dynamodb_local, elsewhere):  # noqa: F811
    write_files(elsewhere / "json_storage", {"a.json": [profile(1), profile(2)]})
    result = run(
        [
            sys.executable,
            "-m",
            "ddbctl",
            "migrate-profiles",
            "json_storage",
            "--env",
            "dev",
            "--endpoint-url",
            dynamodb_local,
        ],
        cwd=elsewhere,
    )
    assert result.returncode == 0, result.stderr
    count = tables.scan(TableName="dev-agent-profiles", Select="COUNT")["Count"]
    assert count == 2


SECOND_APP = """
import aws_cdk as cdk
from cdk_constructs import AttributeType, DataKey, KeyAttribute, TableSpec, safe_table

app = cdk.App(outdir="cdk.out")
stack = cdk.Stack(app, "orders", env=cdk.Environment(account="123456789012", region="eu-west-1"))
spec = TableSpec(key="orders", construct_id="Orders", base_name="orders", application="shop",
                 partition_key=KeyAttribute("order_id", AttributeType.STRING))
key = DataKey(stack, "Key", environment_name="prod").key
safe_table(stack, "Orders", spec=spec, environment="prod", encryption_key=key)
app.synth()
"""


def test_a_second_cdk_app_builds_its_own_table_with_our_safe_defaults(tmp_path):
    """Another app, outside the checkout, imports the public module and gets the CMK,
    PITR, deletion protection and retention of the environment it names."""
    (tmp_path / "app.py").write_text(SECOND_APP)
    result = run([sys.executable, "app.py"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    template = json.loads((tmp_path / "cdk.out" / "orders.template.json").read_text())
    (table,) = [r for r in template["Resources"].values() if r["Type"].startswith("AWS::DynamoDB")]
    (key_id,) = [k for k, r in template["Resources"].items() if r["Type"] == "AWS::KMS::Key"]
    assert table["DeletionPolicy"] == "Retain"
    (replica,) = table["Properties"]["Replicas"]
    assert replica["DeletionProtectionEnabled"] is True
    assert replica["PointInTimeRecoverySpecification"] == {
        "PointInTimeRecoveryEnabled": True,
        "RecoveryPeriodInDays": 35,
    }
    assert replica["SSESpecification"]["KMSMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert table["Properties"]["TableName"] == "prod-orders"


@pytest.mark.integration
def test_cdk_deploy_prod_as_typed_selects_the_environment_and_stops_at_credentials(tmp_path):
    fake = {
        "AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKEFAKE",
        "AWS_SECRET_ACCESS_KEY": "fake",
        "AWS_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "CDK_DISABLE_VERSION_CHECK": "1",
    }
    result = run(
        [str(NODE_BIN / "cdk"), "deploy", "--context", "env=prod", "--output", str(tmp_path)],
        cwd=ROOT,
        env=fake,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "specify which stacks" not in output
    assert "credentials" in output
    listed = run([str(NODE_BIN / "cdk"), "ls", "--app", str(tmp_path)], cwd=ROOT)
    assert listed.stdout.split() == ["prod-data-layer"]

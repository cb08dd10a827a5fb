"""Pieces ``ddbctl local`` relies on: placeholder credentials for loopback
endpoints, environment-faithful CreateTable arguments, and the moto fallback server."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

import catalog
from ddbctl.client import dynamodb_client
from ddbctl.endpoint import is_loopback
from ddbctl.environment_tables import (
    create_environment_tables,
    expected_billing_mode,
    expected_tags,
)
from ddbctl.local_server import MOTO, LocalServer, free_port, is_dynamodb
from ddbctl.table_definitions import TableOptions, create_table_arguments
from settings import load_from_cdk_json


@pytest.fixture
def no_credentials(monkeypatch, tmp_path):
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # it caches earlier credentials


def access_key(client) -> str | None:
    credentials = client._request_signer._credentials
    return credentials.access_key if credentials else None


@pytest.mark.parametrize(
    ("endpoint", "loopback"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8000", True),
        ("http://[::1]:8000", True),
        ("https://dynamodb.us-east-1.amazonaws.com", False),
        (None, False),
    ],
)
def test_loopback_detection(endpoint, loopback):
    assert is_loopback(endpoint) is loopback


def test_a_newcomer_without_credentials_can_reach_a_local_endpoint(no_credentials):
    assert access_key(dynamodb_client(region="us-east-1", endpoint_url="http://127.0.0.1:1")) == (
        "local"
    )
    # Never for AWS itself: there, missing credentials must stay an error.
    assert access_key(dynamodb_client(region="us-east-1")) is None


def test_real_credentials_are_kept_for_local_endpoints():
    client = dynamodb_client(region="us-east-1", endpoint_url="http://127.0.0.1:1")
    assert access_key(client) == "testing"  # conftest's


def test_provisioned_arguments_carry_the_seed_capacity():
    spec = catalog.table("agent-profiles")
    arguments = create_table_arguments(
        spec,
        table_name="x",
        options=TableOptions(
            provisioned=spec.provisioned, extra_tags=(("Environment", "prod"),), kms_encryption=True
        ),
    )
    assert arguments["BillingMode"] == "PROVISIONED"
    assert arguments["ProvisionedThroughput"] == {"ReadCapacityUnits": 10, "WriteCapacityUnits": 10}
    indexes = arguments["GlobalSecondaryIndexes"]
    assert {index["ProvisionedThroughput"]["ReadCapacityUnits"] for index in indexes} == {5}
    assert arguments["SSESpecification"] == {"Enabled": True, "SSEType": "KMS"}
    assert arguments["Tags"][-1] == {"Key": "Environment", "Value": "prod"}


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_environment_tables_follow_the_config(env):
    config = load_from_cdk_json(env)
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        created = create_environment_tables(client, config)
        assert [t.table_name for t in created] == [config.table_name(s) for s in catalog.TABLES]
        assert all(t.created and t.pitr for t in created)
        for spec in catalog.TABLES:
            name = config.table_name(spec)
            table = client.describe_table(TableName=name)["Table"]
            assert table["BillingModeSummary"]["BillingMode"] == expected_billing_mode(spec, config)
            assert table["DeletionProtectionEnabled"] is config.deletion_protection
            assert table["SSEDescription"]["SSEType"] == "KMS"
            tags = client.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"]
            assert {t["Key"]: t["Value"] for t in tags} == expected_tags(spec, config)
            backups = client.describe_continuous_backups(TableName=name)
            pitr = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
            assert pitr["RecoveryPeriodInDays"] == config.pitr_recovery_days
        # A second run creates nothing and touches nothing.
        assert not any(t.created for t in create_environment_tables(client, config))


def test_prod_provisions_the_tables_whose_spec_asks_and_the_rest_are_on_demand():
    prod = load_from_cdk_json("prod")
    modes = {spec.key: expected_billing_mode(spec, prod) for spec in catalog.TABLES}
    asked = {spec.key for spec in catalog.TABLES if spec.provisioned}
    assert asked  # seed 004's two tables; tests/test_seed_spec.py checks which
    assert {k for k, mode in modes.items() if mode == "PROVISIONED"} == asked
    dev = load_from_cdk_json("dev")
    assert {expected_billing_mode(spec, dev) for spec in catalog.TABLES} == {"PAY_PER_REQUEST"}


def test_the_moto_fallback_server_answers_like_dynamodb():
    server = LocalServer.start_moto(port=free_port())
    try:
        server.wait_ready(timeout=30)
        assert server.backend == MOTO
        assert server.label == "moto server"
        assert is_dynamodb(server.endpoint)
    finally:
        server.stop()
    assert server.process.poll() is not None

"""DynamoDB Local starts, answers boto3, and reports clear errors."""

from __future__ import annotations

import boto3
import pytest

from ddbctl import local_server
from ddbctl.local_server import LocalServer, LocalServerError, find_jar, is_dynamodb


@pytest.mark.integration
def test_local_server_answers_boto3(dynamodb_local):
    client = boto3.client("dynamodb", endpoint_url=dynamodb_local, region_name="eu-west-1")
    assert "TableNames" in client.list_tables()
    assert is_dynamodb(dynamodb_local)


def test_missing_jar_names_the_fix(tmp_path):
    with pytest.raises(LocalServerError, match="run make setup"):
        find_jar(tmp_path)


def test_missing_java_names_the_fix(monkeypatch):
    monkeypatch.setattr(local_server, "java_major", lambda: None)
    with pytest.raises(LocalServerError, match="needs Java 17\\+ \\(found none\\)"):
        LocalServer.start(port=local_server.free_port())


def test_old_java_is_refused(monkeypatch):
    monkeypatch.setattr(local_server, "java_major", lambda: 11)
    with pytest.raises(LocalServerError, match="found 11"):
        LocalServer.start(port=local_server.free_port())


@pytest.mark.integration
def test_busy_port_is_refused(dynamodb_local):
    port = int(dynamodb_local.rsplit(":", 1)[1])
    with pytest.raises(LocalServerError, match=f"port {port} is already in use"):
        LocalServer.start(port=port)


def test_nothing_listening_is_not_dynamodb():
    assert not is_dynamodb(f"http://127.0.0.1:{local_server.free_port()}", timeout=0.3)

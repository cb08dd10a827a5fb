"""A moto server serving DynamoDB and S3 on one port, as `ddbctl local up --backend moto`
does, with the environment pointing both services at it."""

from __future__ import annotations

import gzip
import json
from typing import Any

import boto3
import pytest
import requests

import catalog
from ddbctl.local_server import free_port
from ddbctl.table_definitions import create_table

BUCKET = "bulk-staging"
TABLE = "dev-agent-profiles"


def bulk_operation_description(arn: str, status: str, **extra: Any) -> dict[str, Any]:
    """A ``DescribeBulkOperation`` answer, for Stubber (moto has no bulk operations)."""
    return {
        "BulkOperationDescription": {
            "BulkOperationArn": arn,
            "BulkOperationStatus": status,
            **extra,
        }
    }


@pytest.fixture(scope="module")
def moto_endpoint():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def services(moto_endpoint, monkeypatch):
    """Fresh table and bucket; S3 reached only through AWS_ENDPOINT_URL_S3."""
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    options = {"region_name": "us-east-1", "endpoint_url": moto_endpoint}
    dynamodb = boto3.client("dynamodb", **options)
    s3 = boto3.client("s3", **options)
    requests.post(f"{moto_endpoint}/moto-api/reset", timeout=10)
    create_table(dynamodb, catalog.table("agent-profiles"), table_name=TABLE)
    s3.create_bucket(Bucket=BUCKET)
    return dynamodb, s3


def listing(s3, prefix: str = "") -> dict[str, tuple[str, Any]]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    return {
        entry["Key"]: (entry["ETag"], entry["LastModified"])
        for page in pages
        for entry in page.get("Contents", [])
    }


def staged_items(s3, prefix: str) -> list[dict[str, Any]]:
    items = []
    for key in listing(s3, prefix):
        body = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        for line in gzip.decompress(body).splitlines():
            entry = json.loads(line)
            assert list(entry) == ["Item"]
            items.append(entry["Item"])
    return sorted(items, key=lambda item: item["id"]["S"])

"""The S3 client for staging. Its endpoint comes from boto3's own settings
(``AWS_ENDPOINT_URL_S3``, then ``AWS_ENDPOINT_URL``, then AWS), never from
``--endpoint-url``, which names DynamoDB's endpoint only."""

from __future__ import annotations

import os
from typing import Any

import boto3

from ddbctl.client import local_credentials
from ddbio.client import retry_config

S3_ENDPOINT_VARIABLES = ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")


def s3_endpoint() -> str | None:
    for name in S3_ENDPOINT_VARIABLES:
        if os.environ.get(name):
            return os.environ[name]
    return None


def s3_client(*, region: str) -> Any:
    """Placeholder credentials for a loopback S3 (moto) when none are configured, as for
    DynamoDB Local; real credentials, when present, are kept."""
    credentials = local_credentials(s3_endpoint())
    return boto3.client("s3", region_name=region, config=retry_config(), **credentials)

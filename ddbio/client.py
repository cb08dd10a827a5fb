"""One way to build a DynamoDB client, so every tool retries the same way."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config

STANDARD_MAX_ATTEMPTS = 10
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# DynamoDB Local and moto accept any credentials; botocore still refuses to sign without some.
LOCAL_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}


def retry_config(
    *, max_attempts: int = STANDARD_MAX_ATTEMPTS, pool: int = 10, parameter_validation: bool = True
) -> Config:
    """botocore ``standard`` retries, set explicitly (the default ``legacy`` mode
    retries fewer error codes and has no jittered backoff).

    ``parameter_validation=False`` skips botocore's client-side walk of every
    request; only for callers that build requests they have already validated
    (bulk writers, where the walk is a large share of the CPU per item).
    """
    return Config(
        retries={"mode": "standard", "max_attempts": max_attempts},
        max_pool_connections=pool,
        parameter_validation=parameter_validation,
    )


def is_loopback(endpoint_url: str | None) -> bool:
    return bool(endpoint_url) and urlsplit(endpoint_url).hostname in LOOPBACK_HOSTS


def dynamodb_client(
    *,
    region: str,
    endpoint_url: str | None = None,
    max_attempts: int = STANDARD_MAX_ATTEMPTS,
    pool: int = 10,
    parameter_validation: bool = True,
) -> Any:
    """A client with standard retries.

    For a loopback endpoint (DynamoDB Local, moto) and no credentials
    configured, placeholder credentials are used, so a newcomer without an AWS
    account can work locally. Real credentials, when present, are kept.
    """
    credentials: dict[str, str] = {}
    if is_loopback(endpoint_url) and boto3.session.Session().get_credentials() is None:
        credentials = LOCAL_CREDENTIALS
    return boto3.client(
        "dynamodb",
        region_name=region,
        endpoint_url=endpoint_url,
        config=retry_config(
            max_attempts=max_attempts, pool=pool, parameter_validation=parameter_validation
        ),
        **credentials,
    )

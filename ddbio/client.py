"""One way to build a DynamoDB client, so every tool retries the same way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import boto3
from botocore.config import Config

STANDARD_MAX_ATTEMPTS = 10


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


def dynamodb_client(
    *,
    region: str,
    endpoint_url: str | None = None,
    max_attempts: int = STANDARD_MAX_ATTEMPTS,
    pool: int = 10,
    parameter_validation: bool = True,
    credentials: Mapping[str, str] | None = None,
) -> Any:
    """A client with standard retries. ``credentials`` (boto3's ``aws_access_key_id``
    and ``aws_secret_access_key``) replace the configured ones; ``ddbctl`` passes
    placeholders for a local endpoint (see ``ddbctl.client``)."""
    return boto3.client(
        "dynamodb",
        region_name=region,
        endpoint_url=endpoint_url,
        config=retry_config(
            max_attempts=max_attempts, pool=pool, parameter_validation=parameter_validation
        ),
        **(credentials or {}),
    )

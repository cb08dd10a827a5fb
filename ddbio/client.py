"""One way to build a DynamoDB client, so every tool retries the same way."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

STANDARD_MAX_ATTEMPTS = 10


def retry_config(*, max_attempts: int = STANDARD_MAX_ATTEMPTS, pool: int = 10) -> Config:
    """botocore ``standard`` retries, set explicitly (the default ``legacy`` mode
    retries fewer error codes and has no jittered backoff)."""
    return Config(
        retries={"mode": "standard", "max_attempts": max_attempts},
        max_pool_connections=pool,
    )


def dynamodb_client(
    *,
    region: str,
    endpoint_url: str | None = None,
    max_attempts: int = STANDARD_MAX_ATTEMPTS,
    pool: int = 10,
) -> Any:
    return boto3.client(
        "dynamodb",
        region_name=region,
        endpoint_url=endpoint_url,
        config=retry_config(max_attempts=max_attempts, pool=pool),
    )

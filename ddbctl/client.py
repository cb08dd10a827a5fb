"""The CLI's DynamoDB client: ``ddbio``'s, plus placeholder credentials for a local endpoint.

A newcomer without an AWS account can then work against DynamoDB Local or
moto. This lives here, not in ``ddbio``, because the seeder Lambda never talks
to a local endpoint.
"""

from __future__ import annotations

from typing import Any

import boto3

import ddbio
from ddbctl.endpoint import is_loopback

# DynamoDB Local and moto accept any credentials; botocore still refuses to sign without some.
LOCAL_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}


def local_credentials(endpoint_url: str | None) -> dict[str, str]:
    """Placeholders for a loopback endpoint when no credentials are configured; nothing
    otherwise, so real credentials are kept and AWS never gets placeholders."""
    if is_loopback(endpoint_url) and boto3.session.Session().get_credentials() is None:
        return dict(LOCAL_CREDENTIALS)
    return {}


def dynamodb_client(*, region: str, endpoint_url: str | None = None, **options: Any) -> Any:
    """``ddbio.dynamodb_client`` with the same ``options``, and :func:`local_credentials`."""
    return ddbio.dynamodb_client(
        region=region,
        endpoint_url=endpoint_url,
        credentials=local_credentials(endpoint_url) or None,
        **options,
    )

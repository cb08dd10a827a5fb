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


def dynamodb_client(*, region: str, endpoint_url: str | None = None, **options: Any) -> Any:
    """``ddbio.dynamodb_client`` with the same ``options``. For a loopback endpoint and
    no credentials configured, placeholders are used; real credentials, when present,
    are kept, and an AWS endpoint never gets placeholders."""
    credentials = None
    if is_loopback(endpoint_url) and boto3.session.Session().get_credentials() is None:
        credentials = LOCAL_CREDENTIALS
    return ddbio.dynamodb_client(
        region=region, endpoint_url=endpoint_url, credentials=credentials, **options
    )

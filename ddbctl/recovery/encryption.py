"""The environment's CMK, found at run time: a restore re-encrypts with it.

The alias is the one ``cdk_constructs/data_key.py`` gives the key
(tests/test_recovery_names.py checks they agree); ``--kms-key`` skips the lookup.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from catalog.naming import data_key_alias
from ddbctl.client import local_credentials
from ddbctl.endpoint import is_loopback
from ddbctl.errors import CliError


def key_alias(environment: str) -> str:
    return data_key_alias(environment)


def kms_client(*, region: str, endpoint_url: str | None) -> Any:
    """KMS beside the DynamoDB endpoint: moto's server answers both on one port;
    against AWS the regional endpoint (or ``$AWS_ENDPOINT_URL_KMS``)."""
    credentials = local_credentials(endpoint_url)
    local = is_loopback(endpoint_url)
    return boto3.client(
        "kms", region_name=region, endpoint_url=endpoint_url if local else None, **credentials
    )


# Where the local rehearsal of a restore runs: DynamoDB Local has neither KMS nor restores.
LOCAL_REHEARSAL = (
    "to rehearse locally, run `ddbctl local up --env {environment} --backend moto`, which "
    "creates it"
)


def resolve_key_arn(kms: Any, *, environment: str, given: str | None, local: bool = False) -> str:
    """``given`` when set, else the ARN the environment's alias points at."""
    if given:
        return given
    alias = key_alias(environment)
    try:
        return kms.describe_key(KeyId=alias)["KeyMetadata"]["Arn"]
    except (ClientError, BotoCoreError) as error:
        hint = f"; {LOCAL_REHEARSAL.format(environment=environment)}" if local else ""
        raise CliError(
            f"cannot find the {environment} data key through {alias} ({error}): "
            f"pass its ARN with --kms-key{hint}"
        ) from None


def ensure_data_key(kms: Any, *, environment: str) -> tuple[str, bool]:
    """On a local server, the key behind the environment's alias, created with the alias
    when missing, so ``restore`` rehearses as typed: ``(key ARN, created)``."""
    alias = key_alias(environment)
    try:
        return kms.describe_key(KeyId=alias)["KeyMetadata"]["Arn"], False
    except kms.exceptions.NotFoundException:
        pass
    key = kms.create_key(Description=f"local stand-in for the {environment} data key")
    arn = key["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName=alias, TargetKeyId=arn)
    return arn, True

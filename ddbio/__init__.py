"""The seeder Lambda's runtime: client factory, batch writer with backoff, seeding core.

Everything here is bundled into the Lambda asset, so only what the Lambda runs
belongs here: no CDK import, no local-server or CLI code (that lives in ``ddbctl/``).
"""

from ddbio.batch_writer import (
    MAX_BATCH_SIZE,
    BackoffPolicy,
    UnprocessedItemsError,
    chunked,
    write_batch,
)
from ddbio.client import dynamodb_client, retry_config

__all__ = [
    "MAX_BATCH_SIZE",
    "BackoffPolicy",
    "UnprocessedItemsError",
    "chunked",
    "dynamodb_client",
    "retry_config",
    "write_batch",
]

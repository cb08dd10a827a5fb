"""Plain boto3 helpers shared by ``ddbctl`` and the seeder Lambda.

No CDK import: this package is bundled into Lambda assets.
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

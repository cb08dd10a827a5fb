"""Fail fast, in one line, when a local endpoint has nothing behind it.

botocore's standard retries spend about 20 seconds on a refused connection
before giving up; for 127.0.0.1 we can tell at once and name the fix.
"""

from __future__ import annotations

from ddbctl.errors import CliError
from ddbio.client import is_loopback
from ddbio.local_server import is_dynamodb


def require_local_endpoint(endpoint_url: str | None) -> None:
    if is_loopback(endpoint_url) and not is_dynamodb(endpoint_url, timeout=2.0):
        raise CliError(
            f"nothing answers like DynamoDB at {endpoint_url}: start it with "
            "`python -m ddbctl local up` (or `make local`)"
        )

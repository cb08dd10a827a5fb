"""Fail fast, in one line, when a local endpoint has nothing behind it.

botocore's standard retries spend about 20 seconds on a refused connection
before giving up; for 127.0.0.1 we can tell at once and name the fix.
"""

from __future__ import annotations

import argparse
from urllib.parse import urlsplit

from botocore.utils import is_valid_endpoint_url, is_valid_ipv6_endpoint_url

from ddbctl.errors import CliError
from ddbctl.local_server import is_dynamodb

DEFAULT_PORT = 8000  # `ddbctl local up`'s default
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def is_loopback(endpoint_url: str | None) -> bool:
    return bool(endpoint_url) and urlsplit(endpoint_url).hostname in LOOPBACK_HOSTS


def require_local_endpoint(endpoint_url: str | None) -> None:
    if is_loopback(endpoint_url) and not is_dynamodb(endpoint_url, timeout=2.0):
        port = urlsplit(endpoint_url).port
        start = (
            "`ddbctl local up` (or `make local`)"
            if port in (None, DEFAULT_PORT)
            else f"`ddbctl local up --port {port}`"
        )
        raise CliError(f"nothing answers like DynamoDB at {endpoint_url}: start it with {start}")


def endpoint_problem(value: str) -> str | None:
    """Why ``value`` is not a usable endpoint URL, or None if it is one.

    botocore would raise ``ValueError``/``InvalidURL`` with a traceback; this
    catches the usual typos (no scheme, a bad port) before any client exists.
    """
    try:
        parts = urlsplit(value)
        port = parts.port  # raises ValueError for a non-numeric or out-of-range port
    except ValueError as error:
        return f"{value!r} is not a URL ({error})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{value!r} is not an http(s) URL"
    if port == 0:
        return f"{value!r} has port 0"
    # botocore's own test (it raises "Invalid endpoint" with a traceback otherwise):
    # host names are letters, digits, '-' and '.', so compose's `dynamodb_local` is not one.
    if not is_valid_endpoint_url(value) and not is_valid_ipv6_endpoint_url(value):
        host = parts.hostname
        why = "an underscore is not allowed in a host name" if "_" in host else "not a host name"
        return (
            f"{value!r} has a host botocore cannot use ({host!r}: {why}); use a name of "
            "letters, digits, '-' and '.' (in compose, a service or alias such as "
            "dynamodb-local) or its IP address"
        )
    return None


def endpoint_url_argument(value: str) -> str:
    """argparse ``type=`` for --endpoint-url: a bad value becomes a one-line usage error."""
    problem = endpoint_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(f"{problem}: use e.g. http://127.0.0.1:8000")
    return value


def checked_endpoint(value: str | None, *, source: str) -> str | None:
    """``value`` if it is a usable endpoint URL; otherwise a one-line error naming ``source``."""
    if value is None:
        return None
    problem = endpoint_problem(value)
    if problem:
        raise CliError(f"{source} {problem}: use e.g. http://127.0.0.1:8000")
    return value

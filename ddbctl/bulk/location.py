"""Where a load is staged: ``s3://BUCKET/PREFIX`` and the key layout under it.

The bulk put reads every object under its input prefix, so inputs live in ``data/`` alone;
the manifest, the source index and the service's reports sit beside it, never inside it.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass

# S3's bucket naming rules (the bulk put API's own pattern is looser).
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
MAX_PREFIX_BYTES = 900  # S3KeyPrefix may be 1,024 bytes; leave room for our sub-folders


@dataclass(frozen=True)
class StagingLocation:
    bucket: str
    prefix: str  # "" or ends with "/"

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    @property
    def data_prefix(self) -> str:
        return f"{self.prefix}data/"

    @property
    def index_prefix(self) -> str:
        return f"{self.prefix}index/"

    @property
    def reports_prefix(self) -> str:
        return f"{self.prefix}reports/"

    @property
    def export_prefix(self) -> str:
        return f"{self.prefix}export"

    @property
    def manifest_key(self) -> str:
        return f"{self.prefix}manifest.json"


def location_problem(text: str) -> str | None:
    """Why ``text`` is not an ``s3://BUCKET/PREFIX`` staging location, or None."""
    if not text.startswith("s3://"):
        return f"{text!r} is not an s3:// URI"
    bucket, _, prefix = text[len("s3://") :].partition("/")
    if not _BUCKET.fullmatch(bucket) or ".." in bucket:
        return f"{bucket!r} is not an S3 bucket name"
    if len(prefix.encode()) > MAX_PREFIX_BYTES:
        return f"the prefix is over {MAX_PREFIX_BYTES} bytes"
    if "$" in prefix:
        return "the prefix holds '$', which the bulk put's client token cannot carry"
    return None


def parse_location(text: str) -> StagingLocation:
    problem = location_problem(text)
    if problem is not None:
        raise ValueError(problem)
    bucket, _, prefix = text[len("s3://") :].partition("/")
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return StagingLocation(bucket=bucket, prefix=prefix)


def location_argument(text: str) -> StagingLocation:
    """argparse ``type=`` for --via-s3: a bad value is a one-line usage error."""
    try:
        return parse_location(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"{error}: use e.g. s3://my-bucket/loads/2026-12-01"
        ) from None

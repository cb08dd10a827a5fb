"""Make templates stable for snapshots: no asset hashes, accounts or CDK analytics."""

from __future__ import annotations

import re
from typing import Any

_ACCOUNT = re.compile(r"(?<!\d)\d{12}(?!\d)")
_HASH = re.compile(r"[0-9a-f]{64}")


def mask(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: mask(item) for key, item in value.items() if key != "CDKMetadata"}
    if isinstance(value, list):
        return [mask(item) for item in value]
    if isinstance(value, str):
        return _ACCOUNT.sub("<ACCOUNT>", _HASH.sub("<ASSET-HASH>", value))
    return value

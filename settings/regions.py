"""The AWS regions a table can live in: DynamoDB's regions as the pinned botocore knows them.

One list, kept by botocore (pinned in requirements.txt), so a typo such as
``xx-fake-9`` or ``us-east-7`` fails synth instead of reaching CloudFormation.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path


def _endpoints_file() -> Path:
    spec = importlib.util.find_spec("botocore")
    if spec is None or spec.origin is None:
        raise ImportError("botocore is not installed: run `make setup`")
    return Path(spec.origin).parent / "data" / "endpoints.json"


def _dynamodb_regions() -> frozenset[str]:
    """What ``Session.get_available_regions("dynamodb", partition)`` returns over every
    partition, read from botocore's own data file.

    Importing ``botocore.session`` to ask it costs every synth about 0.15 s; this reads
    the same file without it. A unit test holds the two answers equal.
    """
    data = json.loads(_endpoints_file().read_text(encoding="utf-8"))
    return frozenset(
        name
        for partition in data["partitions"]
        for name in partition["services"].get("dynamodb", {}).get("endpoints", {})
        if name in partition["regions"]
    )


DYNAMODB_REGIONS = _dynamodb_regions()


def region_problem(region: str) -> str | None:
    """Why ``region`` is not a DynamoDB region, or None if it is one."""
    if region in DYNAMODB_REGIONS:
        return None
    return (
        f"{region!r} is not an AWS region with DynamoDB: use one such as us-east-1 or "
        "eu-west-1 (the list is botocore's, see settings/regions.py)"
    )

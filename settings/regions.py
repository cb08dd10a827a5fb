"""The AWS regions a table can live in: DynamoDB's regions as the pinned botocore knows them.

One list, kept by botocore (pinned in requirements.txt), so a typo such as
``xx-fake-9`` or ``us-east-7`` fails synth instead of reaching CloudFormation.
"""

from __future__ import annotations

from botocore.session import get_session


def _dynamodb_regions() -> frozenset[str]:
    session = get_session()
    return frozenset(
        region
        for partition in session.get_available_partitions()
        for region in session.get_available_regions("dynamodb", partition_name=partition)
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

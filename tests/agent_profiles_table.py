"""What DescribeTable says about an agent-profiles table, for tests that stub it."""

from __future__ import annotations

from typing import Any


def table_description(name: str, **overrides: Any) -> dict[str, Any]:
    """DescribeTable's answer for an agent-profiles table as the catalog defines it."""
    table: dict[str, Any] = {
        "TableName": name,
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [
            {"AttributeName": "id", "AttributeType": "S"},
            {"AttributeName": "job", "AttributeType": "S"},
            {"AttributeName": "location_city", "AttributeType": "S"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": "job-index",
                "KeySchema": [{"AttributeName": "job", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": "location-index",
                "KeySchema": [{"AttributeName": "location_city", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            },
        ],
    }
    table.update(overrides)
    return {"Table": table}

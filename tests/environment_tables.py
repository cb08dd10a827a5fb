"""Reading the tables out of one environment's synthesized templates."""

from __future__ import annotations

GLOBAL_TABLE = "AWS::DynamoDB::GlobalTable"


def tables_by_name(environment) -> dict[str, tuple[str, dict]]:
    """``{physical table name: (stack name, resource)}`` across the environment."""
    return {
        resource["Properties"]["TableName"]: (stack, resource)
        for stack, resource in environment.resources(GLOBAL_TABLE).values()
    }


def keys(schema) -> list[tuple[str, str]]:
    return [(k["AttributeName"], k["KeyType"]) for k in schema]

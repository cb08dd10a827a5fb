"""Whether a table can take the items ``migrate-profiles`` writes, from ``DescribeTable``.

DynamoDB refuses an item whose key attributes do not match the table's (or an
index's) key schema, and it refuses every item the same way. Finding that
before the first write is the only way to stop at the first schema error with
nothing half-written; the writer still stops at the first such refusal if the
table changes under a run.
"""

from __future__ import annotations

from typing import Any

import catalog
from ddbctl.migrate.transform import WRITTEN_TYPES

_SPEC = catalog.table("agent-profiles")
_TYPE_NAMES = {"S": "a string", "N": "a number", "B": "binary", "L": "a list", "M": "a map"}


def schema_problem(description: dict[str, Any]) -> str | None:
    """What about the described table refuses the items (a phrase to follow its name), or
    None when it takes them."""
    key = [(k.get("AttributeName"), k.get("KeyType")) for k in description.get("KeySchema", [])]
    expected = [(_SPEC.partition_key.name, "HASH")]
    if key != expected:
        shown = ", ".join(f"{name} ({kind})" for name, kind in key) or "none"
        return (
            f"has the key schema {shown}, not agent-profiles' {_SPEC.partition_key.name} "
            "(HASH) alone"
        )
    types = {
        d.get("AttributeName"): d.get("AttributeType")
        for d in description.get("AttributeDefinitions", [])
    }
    for index, names in _key_names(description):
        for name in names:
            written = WRITTEN_TYPES.get(name)
            declared = types.get(name)
            if written is not None and declared is not None and declared != written:
                where = "its key" if index is None else f"the key of its index {index}"
                return (
                    f"declares {name}, {where}, as {_TYPE_NAMES.get(declared, declared)}, "
                    f"but migrate-profiles writes {name} as {_TYPE_NAMES[written]}"
                )
    return None


def _key_names(description: dict[str, Any]) -> list[tuple[str | None, list[str]]]:
    keys = [(None, [k.get("AttributeName") for k in description.get("KeySchema", [])])]
    for index in (
        *description.get("GlobalSecondaryIndexes", []),
        *description.get("LocalSecondaryIndexes", []),
    ):
        names = [k.get("AttributeName") for k in index.get("KeySchema", [])]
        keys.append((index.get("IndexName"), names))
    return keys

"""Names derived from an environment that the stack and the CLI must agree on."""

from __future__ import annotations


def data_key_alias(environment: str) -> str:
    """The alias of the environment's CMK: the stack creates it, ``ddbctl restore`` looks
    the key up through it."""
    return f"alias/{environment}-dynamodb-data"

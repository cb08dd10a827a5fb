"""A table's identity, read from a synthesized CloudFormation template.

Only the properties whose change CloudFormation or DynamoDB cannot apply in
place belong here. Billing, tags, PITR and encryption update in place, so the
lock leaves them out and stays quiet when they change.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TABLE_TYPES = ("AWS::DynamoDB::GlobalTable", "AWS::DynamoDB::Table")
KEY_TYPES = ("HASH", "RANGE")
ATTRIBUTE_TYPES = ("S", "N", "B")
_JSON_NAMES = {bool: "true or false", str: "a string", dict: "an object", list: "an array"}


def _typed(raw: Mapping[str, Any], key: str, kind: type, *, nullable: bool = False) -> Any:
    """``raw[key]`` if it has exactly the JSON type ``kind``; a lock read leniently would
    take ``"enabled": "false"`` for true."""
    if not isinstance(raw, Mapping):
        raise TypeError(f"expected an object, not {json.dumps(raw)}")
    value = raw[key]
    if (value is None and nullable) or type(value) is kind:
        return value
    raise TypeError(f"{key} must be {_JSON_NAMES[kind]}, not {json.dumps(value)}")


def _one_of(raw: Mapping[str, Any], key: str, allowed: tuple[str, ...], **options: bool) -> Any:
    value = _typed(raw, key, str, **options)
    if value is not None and value not in allowed:
        raise ValueError(f"{key} must be one of {', '.join(allowed)}, not {json.dumps(value)}")
    return value


@dataclass(frozen=True)
class KeyPart:
    attribute: str
    key_type: str  # HASH or RANGE
    type: str | None  # S, N or B; None if the template does not define it

    def describe(self) -> str:
        return f"{self.attribute} ({self.type or '?'}, {self.key_type})"

    def to_json(self) -> dict[str, Any]:
        return {"attribute": self.attribute, "key_type": self.key_type, "type": self.type}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> KeyPart:
        return cls(
            attribute=_typed(raw, "attribute", str),
            key_type=_one_of(raw, "key_type", KEY_TYPES),
            type=_one_of(raw, "type", ATTRIBUTE_TYPES, nullable=True),
        )


def describe_keys(keys: tuple[KeyPart, ...]) -> str:
    return " + ".join(part.describe() for part in keys) or "no key"


@dataclass(frozen=True)
class Index:
    """A GSI or LSI: its keys and projection, the parts that cannot change in place."""

    name: str
    keys: tuple[KeyPart, ...]
    projection: str
    non_key_attributes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "keys": [part.to_json() for part in self.keys],
            "non_key_attributes": list(self.non_key_attributes),
            "projection": self.projection,
        }

    @classmethod
    def from_json(cls, name: str, raw: Mapping[str, Any]) -> Index:
        non_key_attributes = raw.get("non_key_attributes", [])
        if type(non_key_attributes) is not list or not all(
            type(attribute) is str for attribute in non_key_attributes
        ):
            found = json.dumps(non_key_attributes)
            raise TypeError(f"non_key_attributes must be an array of strings, not {found}")
        return cls(
            name=name,
            keys=tuple(KeyPart.from_json(part) for part in _typed(raw, "keys", list)),
            projection=_typed(raw, "projection", str),
            non_key_attributes=tuple(non_key_attributes),
        )


@dataclass(frozen=True)
class Ttl:
    attribute: str
    enabled: bool

    def to_json(self) -> dict[str, Any]:
        return {"attribute": self.attribute, "enabled": self.enabled}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any] | None) -> Ttl | None:
        if raw is None:
            return None
        return cls(attribute=_typed(raw, "attribute", str), enabled=_typed(raw, "enabled", bool))


@dataclass(frozen=True)
class TableIdentity:
    """Everything about a table that decides update-in-place versus replace or fail."""

    stack: str
    logical_id: str
    resource_type: str
    table_name: str | None
    keys: tuple[KeyPart, ...]
    local_indexes: tuple[Index, ...]
    global_indexes: tuple[Index, ...]
    ttl: Ttl | None

    @property
    def resource_id(self) -> str:
        """The CloudFormation identity: a change here is a new resource."""
        return f"{self.stack}/{self.logical_id}"

    @property
    def label(self) -> str:
        return self.table_name or self.resource_id

    def gsi(self, name: str) -> Index | None:
        return next((index for index in self.global_indexes if index.name == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "global_indexes": {index.name: index.to_json() for index in self.global_indexes},
            "key_schema": [part.to_json() for part in self.keys],
            "local_indexes": {index.name: index.to_json() for index in self.local_indexes},
            "logical_id": self.logical_id,
            "resource_type": self.resource_type,
            "stack": self.stack,
            "table_name": self.table_name,
            "ttl": self.ttl.to_json() if self.ttl else None,
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> TableIdentity:
        return cls(
            stack=_typed(raw, "stack", str),
            logical_id=_typed(raw, "logical_id", str),
            resource_type=_one_of(raw, "resource_type", TABLE_TYPES),
            table_name=_typed(raw, "table_name", str, nullable=True),
            keys=tuple(KeyPart.from_json(part) for part in _typed(raw, "key_schema", list)),
            local_indexes=tuple(
                Index.from_json(name, index)
                for name, index in sorted(_typed(raw, "local_indexes", dict).items())
            ),
            global_indexes=tuple(
                Index.from_json(name, index)
                for name, index in sorted(_typed(raw, "global_indexes", dict).items())
            ),
            ttl=Ttl.from_json(_typed(raw, "ttl", dict, nullable=True)),
        )


def _keys(schema: list[dict[str, Any]], types: Mapping[str, str]) -> tuple[KeyPart, ...]:
    return tuple(
        KeyPart(
            attribute=part["AttributeName"],
            key_type=part["KeyType"],
            type=types.get(part["AttributeName"]),
        )
        for part in schema
    )


def _indexes(raw: list[dict[str, Any]] | None, types: Mapping[str, str]) -> tuple[Index, ...]:
    indexes = []
    for index in raw or ():
        projection = index.get("Projection", {})
        indexes.append(
            Index(
                name=index["IndexName"],
                keys=_keys(index["KeySchema"], types),
                projection=projection.get("ProjectionType", "ALL"),
                non_key_attributes=tuple(sorted(projection.get("NonKeyAttributes", ()))),
            )
        )
    return tuple(sorted(indexes, key=lambda index: index.name))


def _table_name(value: Any) -> str | None:
    if value is None:
        return None
    # A token (Ref, Fn::Join...) is kept as its JSON so a change still shows.
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _ttl(raw: Mapping[str, Any] | None) -> Ttl | None:
    if not raw:
        return None
    return Ttl(attribute=raw.get("AttributeName", ""), enabled=bool(raw.get("Enabled", False)))


def table_identities(templates: Mapping[str, Mapping[str, Any]]) -> dict[str, TableIdentity]:
    """``{resource id: identity}`` for every DynamoDB table in ``{stack name: template}``."""
    found: dict[str, TableIdentity] = {}
    for stack, template in templates.items():
        for logical_id, resource in template.get("Resources", {}).items():
            if resource.get("Type") not in TABLE_TYPES:
                continue
            props = resource.get("Properties", {})
            types = {
                attribute["AttributeName"]: attribute["AttributeType"]
                for attribute in props.get("AttributeDefinitions", ())
            }
            identity = TableIdentity(
                stack=stack,
                logical_id=logical_id,
                resource_type=resource["Type"],
                table_name=_table_name(props.get("TableName")),
                keys=_keys(props.get("KeySchema", ()), types),
                local_indexes=_indexes(props.get("LocalSecondaryIndexes"), types),
                global_indexes=_indexes(props.get("GlobalSecondaryIndexes"), types),
                ttl=_ttl(props.get("TimeToLiveSpecification")),
            )
            found[identity.resource_id] = identity
    return found

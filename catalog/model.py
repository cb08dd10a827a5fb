"""Plain data types describing a DynamoDB table, with no CDK or boto3 import.

The catalog is read by the CDK constructs, the ``ddbctl`` command line, the
seeder Lambda and the tests, so it has to stay importable everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

_NAME_PLACEHOLDER = re.compile(r"#(\w+)")
_VALUE_PLACEHOLDER = re.compile(r":(\w+)")


class AttributeType(StrEnum):
    """DynamoDB scalar key types; key attributes can only be one of these."""

    STRING = "S"
    NUMBER = "N"
    BINARY = "B"


class Projection(StrEnum):
    ALL = "ALL"
    KEYS_ONLY = "KEYS_ONLY"
    INCLUDE = "INCLUDE"


class TableClass(StrEnum):
    """Storage class: Standard-IA stores for less and charges more per request, so it
    pays only where storage dominates (``ddbctl cost --workload`` computes both)."""

    STANDARD = "STANDARD"
    STANDARD_INFREQUENT_ACCESS = "STANDARD_INFREQUENT_ACCESS"


class Operation(StrEnum):
    """How an access pattern reaches its items. There is deliberately no SCAN."""

    GET = "get"
    QUERY = "query"


@dataclass(frozen=True)
class KeyAttribute:
    name: str
    type: AttributeType


@dataclass(frozen=True)
class Capacity:
    """Provisioned read/write units; the seed figures are also autoscaling minimums."""

    read: int
    write: int


@dataclass(frozen=True)
class ProvisionedBilling:
    """Provisioned capacity a seed asks for; environments decide whether to honour it."""

    table: Capacity
    index: Capacity
    source: str


@dataclass(frozen=True)
class GlobalIndex:
    name: str
    partition_key: KeyAttribute
    sort_key: KeyAttribute | None = None
    projection: Projection = Projection.ALL
    non_key_attributes: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class AccessPattern:
    """A named read the applications make, and the key or index that serves it.

    ``key_condition`` is the exact DynamoDB expression with ``#name``/``:name``
    placeholders, and the one statement of the pattern's values: each ``:name``
    is either ``fixed`` by the pattern itself (for example ``status = pending``)
    or a parameter the caller supplies.
    """

    name: str
    description: str
    operation: Operation
    key_condition: str
    index: str | None = None
    fixed: tuple[tuple[str, str], ...] = ()
    scan_forward: bool = True
    source: str = ""

    @classmethod
    def equality(
        cls,
        *,
        on: KeyAttribute | GlobalIndex,
        name: str,
        description: str,
        operation: Operation = Operation.QUERY,
        fixed_value: str | None = None,
        scan_forward: bool = True,
        source: str = "",
    ) -> AccessPattern:
        """The usual pattern: equality on one partition key, the table's or an index's.

        ``on`` is the table's partition key or the index the pattern reads; the
        condition ``#key = :key`` is derived from it, so the key is stated once,
        where the table or index declares it. ``fixed_value`` is the key's value
        when the pattern pins it (``status = pending``) instead of the caller.
        """
        index = on if isinstance(on, GlobalIndex) else None
        key = on.partition_key if isinstance(on, GlobalIndex) else on
        return cls(
            name=name,
            description=description,
            operation=operation,
            key_condition=f"#{key.name} = :{key.name}",
            index=None if index is None else index.name,
            fixed=() if fixed_value is None else ((key.name, fixed_value),),
            scan_forward=scan_forward,
            source=source,
        )

    def __post_init__(self) -> None:
        unused = [name for name, _ in self.fixed if name not in self.value_names]
        if unused:
            raise ValueError(
                f"access pattern {self.name!r} fixes {', '.join(unused)}, which its key "
                f"condition {self.key_condition!r} does not use"
            )

    @property
    def attribute_names(self) -> tuple[str, ...]:
        """The attributes behind the ``#name`` placeholders, in order of first use."""
        return tuple(dict.fromkeys(_NAME_PLACEHOLDER.findall(self.key_condition)))

    @property
    def value_names(self) -> tuple[str, ...]:
        """The ``:name`` placeholders, in order of first use."""
        return tuple(dict.fromkeys(_VALUE_PLACEHOLDER.findall(self.key_condition)))

    @property
    def parameters(self) -> tuple[str, ...]:
        """The values the caller supplies: every ``:name`` the pattern does not fix."""
        fixed = {name for name, _ in self.fixed}
        return tuple(name for name in self.value_names if name not in fixed)


@dataclass(frozen=True)
class TableSpec:
    """Everything the project knows about one table, independent of environment.

    ``construct_id`` is the CloudFormation identity of the table: changing it
    replaces the table, so it is fixed here rather than derived from the name.
    """

    key: str
    construct_id: str
    base_name: str
    application: str
    partition_key: KeyAttribute
    sort_key: KeyAttribute | None = None
    global_indexes: tuple[GlobalIndex, ...] = ()
    ttl_attribute: str | None = None
    provisioned: ProvisionedBilling | None = None
    table_class: TableClass = TableClass.STANDARD
    tags: tuple[tuple[str, str], ...] = ()
    access_patterns: tuple[AccessPattern, ...] = ()
    full_scan_uses: tuple[str, ...] = ()
    source: str = ""
    notes: tuple[str, ...] = field(default=())

    def key_attributes(self) -> list[KeyAttribute]:
        """Every attribute used in the table or index keys, in first-use order."""
        seen: dict[str, KeyAttribute] = {}
        candidates = [self.partition_key, self.sort_key]
        for index in self.global_indexes:
            candidates += [index.partition_key, index.sort_key]
        for attribute in candidates:
            if attribute is not None and attribute.name not in seen:
                seen[attribute.name] = attribute
        return list(seen.values())

    def index(self, name: str) -> GlobalIndex:
        for index in self.global_indexes:
            if index.name == name:
                return index
        raise KeyError(f"{self.base_name} has no index {name!r}")

    def physical_name(self, environment: str) -> str:
        """Seed 000's convention: ``{env}-{base}``."""
        return f"{environment}-{self.base_name}"

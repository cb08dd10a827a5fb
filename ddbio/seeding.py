"""Seeding the catalog's sample data: the one code path behind the seeder Lambda
and ``ddbctl seed``.

The sample items travel as custom-resource properties, in DynamoDB JSON:

    {"SampleDataHash": "<sha256>",
     "Tables": [{"Table": <catalog key>, "TableName": <physical name>,
                 "KeyAttributes": [<primary key names>], "Items": [<item>, ...]}]}

Carrying the items (rather than bundling them in the Lambda asset) gives
CloudFormation both the old and the new sample set on every Update, so items
dropped from the catalog are deleted and Delete removes exactly the keys it
seeded, without scanning. The hash makes data changes visible as one property.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

import catalog
from catalog.samples import SAMPLES, SampleDataError, item_problems, validate_samples
from ddbio.batch_writer import BackoffPolicy, chunked, write_batch

PROPERTY_TABLES = "Tables"
PROPERTY_HASH = "SampleDataHash"
PHYSICAL_RESOURCE_ID = "sample-data"

logger = logging.getLogger(__name__)


class SeedingError(Exception):
    """Seeding cannot go on; the message names the table and what to do."""


@dataclass(frozen=True)
class SeedTable:
    """One table's sample items, in DynamoDB JSON as the client sends them."""

    table_key: str
    table_name: str
    key_attributes: tuple[str, ...]
    items: tuple[dict[str, Any], ...] = field(default=())

    def keys(self) -> dict[str, dict[str, Any]]:
        """Primary keys by a canonical string, so old and new sets can be compared."""
        found = {}
        for item in self.items:
            key = {name: item[name] for name in self.key_attributes}
            found[json.dumps(key, sort_keys=True, default=str)] = key
        return found


@dataclass(frozen=True)
class Outcome:
    written: dict[str, int]
    deleted: dict[str, int]


# --- building the properties (synth time and ddbctl) -------------------------------------


def _jsonable(value: Any) -> Any:
    """TypeSerializer output -> plain JSON (binary values base64-encoded)."""
    if isinstance(value, Binary | bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        plain = {key: _jsonable(inner) for key, inner in value.items()}
        for kind in ("SS", "NS", "BS"):  # a set's order changes between runs: sort it, so
            if isinstance(plain.get(kind), list):  # the properties and hash are stable
                plain[kind] = sorted(plain[kind])
        return plain
    if isinstance(value, list | set | frozenset):
        return [_jsonable(inner) for inner in value]
    return value


def sample_data_hash(tables: Sequence[Mapping[str, Any]]) -> str:
    canonical = json.dumps(list(tables), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def build_properties(
    *,
    table_names: Mapping[str, str],
    samples: Mapping[str, Sequence[Mapping[str, Any]]] = SAMPLES,
) -> dict[str, Any]:
    """The custom resource's properties for ``samples``, validated against the catalog.

    ``table_names`` maps catalog keys to physical names (``config.table_name``).
    """
    validate_samples(samples, {spec.key: spec for spec in catalog.TABLES})
    serializer = TypeSerializer()
    tables = []
    for table_key in sorted(samples):
        spec = catalog.table(table_key)
        key_attributes = [spec.partition_key.name] + ([spec.sort_key.name] if spec.sort_key else [])
        items = [
            _jsonable({name: serializer.serialize(value) for name, value in item.items()})
            for item in samples[table_key]
        ]
        tables.append(
            {
                "Table": table_key,
                "TableName": table_names[table_key],
                "KeyAttributes": key_attributes,
                "Items": items,
            }
        )
    return {PROPERTY_HASH: sample_data_hash(tables), PROPERTY_TABLES: tables}


# --- reading the properties (in the Lambda) -----------------------------------------------


def _restore(value: dict[str, Any]) -> dict[str, Any]:
    """Undo CloudFormation's habit of passing every scalar property as a string."""
    ((kind, inner),) = value.items()
    if kind == "BOOL":
        return {kind: inner if isinstance(inner, bool) else str(inner).lower() == "true"}
    if kind == "NULL":
        return {kind: True}
    if kind == "B":
        return {kind: base64.b64decode(inner)}
    if kind == "BS":
        return {kind: [base64.b64decode(v) for v in inner]}
    if kind == "M":
        return {kind: {name: _restore(v) for name, v in inner.items()}}
    if kind == "L":
        return {kind: [_restore(v) for v in inner]}
    return {kind: inner}


def tables_from_properties(properties: Mapping[str, Any] | None) -> list[SeedTable]:
    tables = []
    for entry in (properties or {}).get(PROPERTY_TABLES, []):
        tables.append(
            SeedTable(
                table_key=entry["Table"],
                table_name=entry["TableName"],
                key_attributes=tuple(entry["KeyAttributes"]),
                items=tuple(
                    {name: _restore(value) for name, value in item.items()}
                    for item in entry.get("Items", [])
                ),
            )
        )
    return tables


def _as_properties(tables: Sequence[SeedTable]) -> list[dict[str, Any]]:
    return [
        {
            "Table": table.table_key,
            "TableName": table.table_name,
            "KeyAttributes": list(table.key_attributes),
            "Items": [_jsonable(item) for item in table.items],
        }
        for table in tables
    ]


def check_properties(properties: Mapping[str, Any], tables: Sequence[SeedTable]) -> None:
    """Refuse data that differs from what synth hashed, or that no longer fits the catalog."""
    expected = properties.get(PROPERTY_HASH)
    if expected != sample_data_hash(_as_properties(tables)):
        raise SeedingError(
            f"the sample data does not match its {PROPERTY_HASH}: the template was changed "
            "after synth; deploy it again from source"
        )
    deserializer = TypeDeserializer()
    problems = []
    for table in tables:
        try:
            spec = catalog.table(table.table_key)
        except KeyError as error:
            raise SeedingError(f"cannot seed {table.table_name}: {error.args[0]}") from None
        for position, item in enumerate(table.items):
            plain = {name: deserializer.deserialize(value) for name, value in item.items()}
            plain = {k: v.value if isinstance(v, Binary) else v for k, v in plain.items()}
            problems += [f"{table.table_name}[{position}]: {p}" for p in item_problems(spec, plain)]
    if problems:
        raise SampleDataError("sample data does not fit its tables: " + "; ".join(problems))


# --- writing --------------------------------------------------------------------------------


def _is_missing_table(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ResourceNotFoundException"


def _missing_table(client: Any, table: SeedTable) -> SeedingError:
    try:
        owner = f"the {catalog.table(table.table_key).application} data stack"
    except KeyError:
        owner = "its data stack"
    return SeedingError(
        f"cannot seed {table.table_name}: the table does not exist in "
        f"{client.meta.region_name}; deploy "
        f"{owner} (or create the local tables) first, then seed again"
    )


def upsert(
    client: Any, tables: Sequence[SeedTable], *, policy: BackoffPolicy | None = None
) -> dict[str, int]:
    """Put every item (idempotent: fixed keys). Checks all tables exist before writing any."""
    for table in tables:
        try:
            client.describe_table(TableName=table.table_name)
        except ClientError as error:
            if _is_missing_table(error):
                raise _missing_table(client, table) from None
            raise
    written = {}
    for table in tables:
        requests = [{"PutRequest": {"Item": item}} for item in table.items]
        for batch in chunked(requests):
            try:
                write_batch(client, table.table_name, batch, policy=policy)
            except ClientError as error:
                if _is_missing_table(error):
                    raise _missing_table(client, table) from None
                raise
        written[table.table_name] = len(requests)
        logger.info("seeded %d item(s) into %s", len(requests), table.table_name)
    return written


def remove(
    client: Any,
    keys: Mapping[str, Sequence[dict[str, Any]]],
    *,
    policy: BackoffPolicy | None = None,
) -> dict[str, int]:
    """Delete exactly these keys. A table that is already gone has nothing left to delete."""
    deleted = {}
    for table_name, table_keys in keys.items():
        requests = [{"DeleteRequest": {"Key": key}} for key in table_keys]
        count = 0
        try:
            for batch in chunked(requests):
                write_batch(client, table_name, batch, policy=policy)
                count += len(batch)
        except ClientError as error:
            if not _is_missing_table(error):
                raise
            logger.info("%s no longer exists; nothing to delete there", table_name)
        deleted[table_name] = count
        if count:
            logger.info("deleted %d sample item(s) from %s", count, table_name)
    return deleted


def stale_keys(
    old: Sequence[SeedTable], new: Sequence[SeedTable]
) -> dict[str, list[dict[str, Any]]]:
    """Keys seeded before that the new sample set no longer has, per table name."""
    current: dict[str, set[str]] = {}
    for table in new:
        current.setdefault(table.table_name, set()).update(table.keys())
    stale: dict[str, list[dict[str, Any]]] = {}
    for table in old:
        kept = current.get(table.table_name, set())
        gone = [key for text, key in table.keys().items() if text not in kept]
        if gone:
            stale.setdefault(table.table_name, []).extend(gone)
    return stale


def seeded_keys(tables: Sequence[SeedTable]) -> dict[str, list[dict[str, Any]]]:
    keys: dict[str, list[dict[str, Any]]] = {}
    for table in tables:
        keys.setdefault(table.table_name, []).extend(table.keys().values())
    return keys


# --- the custom resource ----------------------------------------------------------------------


def apply_event(
    event: Mapping[str, Any], *, client: Any, policy: BackoffPolicy | None = None
) -> Outcome:
    """Create/Update upsert the new set and delete what the old set had extra; Delete
    removes the keys it seeded. Any failure raises, which the Provider framework
    reports to CloudFormation as FAILED with the message."""
    request = event["RequestType"]
    properties = event.get("ResourceProperties") or {}
    try:
        new = tables_from_properties(properties)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        if request == "Delete":  # never block a stack's deletion over sample data
            logger.warning("sample data unreadable (%r); nothing deleted", error)
            return Outcome(written={}, deleted={})
        raise SeedingError(
            f"the sample data properties are not in the format this seeder reads ({error!r}): "
            "deploy the template and the seeder from the same source"
        ) from None
    if request == "Delete":
        return Outcome(written={}, deleted=remove(client, seeded_keys(new), policy=policy))
    if request not in ("Create", "Update"):
        raise SeedingError(f"unknown RequestType {request!r}")
    check_properties(properties, new)
    old = _old_tables(event) if request == "Update" else []
    written = upsert(client, new, policy=policy)
    deleted = remove(client, stale_keys(old, new), policy=policy)
    return Outcome(written=written, deleted=deleted)


def _old_tables(event: Mapping[str, Any]) -> list[SeedTable]:
    """The previous sample set, for cleaning up what it had extra. Only tables still
    seeded: the role no longer reaches a table that left the set (a `table_names`
    rename, say), and failing there would fail the deploy and then its rollback. Old
    properties this code cannot read (an older format) mean nothing to clean up."""
    try:
        old = tables_from_properties(event.get("OldResourceProperties"))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        logger.warning("old sample data unreadable (%r); its extra items are left", error)
        return []
    current = {table.table_name for table in tables_from_properties(event["ResourceProperties"])}
    for table in old:
        if table.table_name not in current:
            logger.warning("%s is no longer seeded; its sample items are left", table.table_name)
    return [table for table in old if table.table_name in current]


def handle_event(
    event: Mapping[str, Any], *, client: Any, policy: BackoffPolicy | None = None
) -> dict[str, Any]:
    """The Provider framework's response: a stable physical id (a new one would make
    CloudFormation delete the old resource, and with it the items) and counts."""
    outcome = apply_event(event, client=client, policy=policy)
    return {
        "PhysicalResourceId": event.get("PhysicalResourceId") or PHYSICAL_RESOURCE_ID,
        "Data": {
            "ItemsWritten": sum(outcome.written.values()),
            "ItemsDeleted": sum(outcome.deleted.values()),
        },
    }

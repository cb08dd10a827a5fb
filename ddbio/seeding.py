"""Seeding the catalog's sample data: the one core behind the seeder Lambda and
``ddbctl seed``.

The sample items travel as custom-resource properties, in DynamoDB JSON:

    {"SampleDataHash": "<sha256>",
     "Tables": [{"Table": <catalog key>, "TableName": <physical name>,
                 "KeyAttributes": [<primary key names>], "Items": [<item>, ...]}]}

Carrying the items (rather than bundling them in the Lambda asset) gives
CloudFormation both the old and the new sample set on every Update, so items
dropped from the catalog are deleted and Delete removes exactly the keys it
seeded, without scanning. The hash makes data changes visible as one property,
and it is what lets Delete vouch for the keys it is asked to remove.

``ddbctl seed`` skips the properties altogether: it builds the tables with
:func:`sample_tables` and calls :func:`seed`, the same writer the Lambda ends in.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

import catalog
from catalog.samples import SAMPLES, SampleDataError, item_problems, validate_samples
from ddbio.batch_writer import BackoffPolicy, UnprocessedItemsError, chunked, write_batch

PROPERTY_TABLES = "Tables"
PROPERTY_HASH = "SampleDataHash"
PHYSICAL_RESOURCE_ID = "sample-data"
KEY_TYPES = frozenset({"S", "N", "B"})
# What reading a property of the wrong shape raises, however it is wrong.
UNREADABLE = (KeyError, TypeError, ValueError, AttributeError)

logger = logging.getLogger(__name__)


class SeedingError(Exception):
    """Seeding cannot go on; the message names the table and what to do."""


class SeedingStoppedError(SeedingError):
    """A write failed after others succeeded: the message says what was written, where
    it stopped and what was not written, so no partial write goes unreported."""

    def __init__(self, *, written: Mapping[str, int], failed: str, cause: Exception) -> None:
        self.written = dict(written)
        self.failed = failed
        done = ", ".join(f"{name} ({count} item(s))" for name, count in written.items())
        super().__init__(
            f"seeding stopped at {failed}: {cause}; written before it stopped: "
            f"{done or 'nothing'}; fix the cause and seed again (it is idempotent)"
        )


@dataclass(frozen=True)
class SeedTable:
    """One table's sample items, in DynamoDB JSON as the client sends them."""

    table_key: str
    table_name: str
    key_attributes: tuple[str, ...]
    items: tuple[dict[str, Any], ...] = field(default=())

    def keys(self) -> dict[str, dict[str, Any]]:
        """Primary keys by a canonical string, so old and new sets can be compared."""
        return {_key_text(key): key for key in (self._key(item) for item in self.items)}

    def _key(self, item: Mapping[str, Any]) -> dict[str, Any]:
        return {name: item[name] for name in self.key_attributes}


@dataclass(frozen=True)
class Outcome:
    written: dict[str, int]
    deleted: dict[str, int]


def _key_text(key: Mapping[str, Any]) -> str:
    return json.dumps(key, sort_keys=True, default=str)


# --- building the tables (synth time and ddbctl) -----------------------------------------


def _wire(value: Any) -> Any:
    """TypeSerializer output -> what the client sends (``Binary`` as bytes, sets sorted:
    a set's order changes between runs, and the properties and hash must not)."""
    return _converted(value, leaf=lambda v: bytes(v) if isinstance(v, Binary) else v)


def _jsonable(value: Any) -> Any:
    """Client form -> plain JSON for the properties (binary values base64-encoded)."""
    return _converted(value, leaf=_base64_if_binary)


def _base64_if_binary(value: Any) -> Any:
    if isinstance(value, Binary | bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _converted(value: Any, *, leaf: Callable[[Any], Any]) -> Any:
    """``value`` with ``leaf`` applied to every scalar and each set's members sorted."""
    if isinstance(value, dict):
        plain = {key: _converted(inner, leaf=leaf) for key, inner in value.items()}
        for kind in ("SS", "NS", "BS"):
            if isinstance(plain.get(kind), list):
                plain[kind] = sorted(plain[kind])
        return plain
    if isinstance(value, list | set | frozenset):
        return [_converted(inner, leaf=leaf) for inner in value]
    return leaf(value)


def sample_data_hash(tables: Sequence[Any]) -> str:
    canonical = json.dumps(list(tables), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _key_names(spec: catalog.TableSpec) -> tuple[str, ...]:
    return (spec.partition_key.name,) + ((spec.sort_key.name,) if spec.sort_key else ())


def sample_tables(
    *,
    table_names: Mapping[str, str],
    samples: Mapping[str, Sequence[Mapping[str, Any]]] = SAMPLES,
) -> list[SeedTable]:
    """``samples`` as the tables to write, validated against the catalog.

    ``table_names`` maps catalog keys to physical names (``config.table_name``).
    """
    validate_samples(samples, {spec.key: spec for spec in catalog.TABLES})
    serializer = TypeSerializer()
    return [
        SeedTable(
            table_key=table_key,
            table_name=table_names[table_key],
            key_attributes=_key_names(catalog.table(table_key)),
            items=tuple(
                _wire({name: serializer.serialize(value) for name, value in item.items()})
                for item in samples[table_key]
            ),
        )
        for table_key in sorted(samples)
    ]


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


def build_properties(
    *,
    table_names: Mapping[str, str],
    samples: Mapping[str, Sequence[Mapping[str, Any]]] = SAMPLES,
) -> dict[str, Any]:
    """The custom resource's properties for ``samples``, validated against the catalog."""
    tables = _as_properties(sample_tables(table_names=table_names, samples=samples))
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


def _restored_item(item: Any) -> Any:
    """An item with its values restored, or the item as given when it cannot be read."""
    try:
        return {name: _restore(value) for name, value in item.items()}
    except UNREADABLE:
        return item


def _canonical(entries: Sequence[Any]) -> list[Any]:
    """The tables as synth hashed them, from properties as CloudFormation passes them.
    Whatever cannot be read is kept as given, so it can only make the hash differ."""
    canonical = []
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("Items"), list):
            items = [_restored_item(item) for item in entry["Items"]]
            entry = {**entry, "Items": [_jsonable(item) for item in items]}
        canonical.append(entry)
    return canonical


def _vouched(properties: Any) -> list[Any] | None:
    """The table entries if their hash matches, else None (logged by the caller)."""
    entries = properties[PROPERTY_TABLES]
    if not isinstance(entries, list):
        raise TypeError(f"{PROPERTY_TABLES} is {type(entries).__name__}, not a list")
    if properties.get(PROPERTY_HASH) != sample_data_hash(_canonical(entries)):
        return None
    return entries


def _strings(value: Any, what: str) -> Any:
    if not isinstance(value, str):
        raise TypeError(f"{what} is {type(value).__name__}, not a string")
    return value


def _read_table(entry: Any) -> SeedTable:
    key_attributes = entry["KeyAttributes"]
    if not isinstance(key_attributes, list) or not key_attributes:
        raise TypeError(f"KeyAttributes is {type(key_attributes).__name__}, not a list of names")
    items = entry.get("Items", [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise TypeError("Items is not a list of items")
    return SeedTable(
        table_key=_strings(entry["Table"], "Table"),
        table_name=_strings(entry["TableName"], "TableName"),
        key_attributes=tuple(_strings(name, "a key attribute") for name in key_attributes),
        items=tuple({name: _restore(value) for name, value in item.items()} for item in items),
    )


def read_properties(properties: Mapping[str, Any]) -> list[SeedTable]:
    """The tables to write for Create/Update, or an error before anything is written:
    properties of another shape, data that differs from what synth hashed, or data that
    no longer fits the catalog."""
    try:
        tables = [_read_table(entry) for entry in properties[PROPERTY_TABLES]]
        vouched = _vouched(properties) is not None
    except UNREADABLE as error:
        raise SeedingError(
            f"the sample data properties are not in the format this seeder reads ({error!r}): "
            "deploy the template and the seeder from the same source"
        ) from None
    if not vouched:
        raise SeedingError(
            f"the sample data does not match its {PROPERTY_HASH}: the template was changed "
            "after synth; deploy it again from source"
        )
    _check_fit(tables)
    return tables


def _check_fit(tables: Sequence[SeedTable]) -> None:
    deserializer = TypeDeserializer()
    problems = []
    for table in tables:
        try:
            spec = catalog.table(table.table_key)
        except KeyError as error:
            raise SeedingError(f"cannot seed {table.table_name}: {error.args[0]}") from None
        if table.key_attributes != _key_names(spec):
            problems.append(
                f"{table.table_name}: KeyAttributes {list(table.key_attributes)} are not the "
                f"catalog's {list(_key_names(spec))}"
            )
            continue
        for position, item in enumerate(table.items):
            try:
                plain = {name: deserializer.deserialize(value) for name, value in item.items()}
            except UNREADABLE as error:
                problems.append(f"{table.table_name}[{position}]: not DynamoDB JSON ({error})")
                continue
            plain = {k: v.value if isinstance(v, Binary) else v for k, v in plain.items()}
            problems += [f"{table.table_name}[{position}]: {p}" for p in item_problems(spec, plain)]
    if problems:
        raise SampleDataError("sample data does not fit its tables: " + "; ".join(problems))


def deletable_keys(properties: Any, *, label: str) -> dict[str, list[dict[str, Any]]]:
    """The keys ``properties`` seeded, per table name: only keys this seeder can vouch for.

    Never raises: sample data must not block a stack's deletion nor fail an update's
    cleanup. Properties it cannot read, or whose hash does not match, mean nothing to
    delete; so does a table entry or an item it cannot read, while the rest are kept.
    Each thing left alone is logged with why.
    """
    try:
        entries = _vouched(properties)
    except UNREADABLE as error:
        logger.warning("%s is unreadable (%r): nothing deleted", label, error)
        return {}
    if entries is None:
        logger.warning(
            "%s does not match its %s: nothing deleted, since these keys may not be the "
            "ones this seeder wrote",
            label,
            PROPERTY_HASH,
        )
        return {}
    keys: dict[str, dict[str, dict[str, Any]]] = {}
    for position, entry in enumerate(entries):
        try:
            table_name = _strings(entry["TableName"], "TableName")
            names = entry["KeyAttributes"]
            if not isinstance(names, list) or not names:
                raise TypeError(f"KeyAttributes is {type(names).__name__}, not a list of names")
            names = [_strings(name, "a key attribute") for name in names]
            items = entry.get("Items", [])
            if not isinstance(items, list):
                raise TypeError("Items is not a list")
        except UNREADABLE as error:
            logger.warning("%s table %d is unreadable (%r): left alone", label, position, error)
            continue
        for index, item in enumerate(items):
            key = _item_key(item, names)
            if key is None:
                logger.warning(
                    "%s: %s item %d has no readable key %s: left alone",
                    label,
                    table_name,
                    index,
                    names,
                )
                continue
            keys.setdefault(table_name, {})[_key_text(key)] = key
    return {table_name: list(found.values()) for table_name, found in keys.items()}


def _item_key(item: Any, names: Sequence[str]) -> dict[str, Any] | None:
    """The item's primary key, or None unless each part is one S, N or B value."""
    if not isinstance(item, dict):
        return None
    key = {}
    for name in names:
        value = item.get(name)
        if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in KEY_TYPES:
            return None
        try:
            key[name] = _restore(value)
        except UNREADABLE:
            return None
    return key


# --- writing --------------------------------------------------------------------------------


def _is_missing_table(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ResourceNotFoundException"


def _missing_table(client: Any, table: SeedTable) -> str:
    return (
        f"cannot seed {table.table_name}: the table does not exist in "
        f"{client.meta.region_name}; deploy the environment's stack (`cdk deploy --context "
        "env=<env>`), or create the local tables, first, then seed again"
    )


def _shape_problem(table: SeedTable, description: Mapping[str, Any]) -> str | None:
    """Why the table cannot take these items (another key, or an attribute a key or index
    types differently), or None. DynamoDB would refuse them with a ValidationException."""
    schema = sorted(description.get("KeySchema", []), key=lambda part: part["KeyType"])
    actual = tuple(part["AttributeName"] for part in schema)  # HASH sorts before RANGE
    if actual != table.key_attributes:
        return (
            f"cannot seed {table.table_name}: its key is {list(actual)}, the catalog's is "
            f"{list(table.key_attributes)}; it was created from another catalog: recreate it, "
            "or point table_names at the right table"
        )
    types = {d["AttributeName"]: d["AttributeType"] for d in description["AttributeDefinitions"]}
    for item in table.items:
        for name, expected in types.items():
            if name in item and next(iter(item[name])) != expected:
                return (
                    f"cannot seed {table.table_name}: it types {name!r} as {expected}, the "
                    f"sample data as {next(iter(item[name]))}; it was created from another "
                    "catalog: recreate it, or point table_names at the right table"
                )
    return None


def check_tables(client: Any, tables: Sequence[SeedTable]) -> None:
    """Every table exists and has the catalog's key schema, before the first write."""
    problems = []
    for table in tables:
        try:
            description = client.describe_table(TableName=table.table_name)["Table"]
        except ClientError as error:
            if not _is_missing_table(error):
                raise
            problems.append(_missing_table(client, table))
            continue
        problem = _shape_problem(table, description)
        if problem:
            problems.append(problem)
    if problems:
        raise SeedingError(
            "; ".join(problems) + ("" if len(problems) == 1 else " (nothing written)")
        )


def upsert(
    client: Any, tables: Sequence[SeedTable], *, policy: BackoffPolicy | None = None
) -> dict[str, int]:
    """Put every item (idempotent: fixed keys), once every table has been checked. A
    failing write raises :class:`SeedingStoppedError` naming what was already written."""
    check_tables(client, tables)
    written: dict[str, int] = {}
    for table in tables:
        requests = [{"PutRequest": {"Item": item}} for item in table.items]
        for batch in chunked(requests):
            try:
                write_batch(client, table.table_name, batch, policy=policy)
            except (ClientError, UnprocessedItemsError) as error:
                if isinstance(error, UnprocessedItemsError):
                    sent = len(batch) - len(error.unprocessed)
                    written[table.table_name] = written.get(table.table_name, 0) + sent
                written = {name: count for name, count in written.items() if count}
                raise SeedingStoppedError(
                    written=written, failed=table.table_name, cause=error
                ) from error
            written[table.table_name] = written.get(table.table_name, 0) + len(batch)
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
    old: Mapping[str, Sequence[dict[str, Any]]], new: Sequence[SeedTable]
) -> dict[str, list[dict[str, Any]]]:
    """Keys seeded before that the new sample set no longer has, per table name. Only
    tables still seeded: the role no longer reaches a table that left the set (a
    `table_names` rename, say), and failing there would fail the deploy and its rollback."""
    current: dict[str, set[str]] = {}
    for table in new:
        current.setdefault(table.table_name, set()).update(table.keys())
    stale: dict[str, list[dict[str, Any]]] = {}
    for table_name, keys in old.items():
        if table_name not in current:
            logger.warning("%s is no longer seeded; its sample items are left", table_name)
            continue
        gone = [key for key in keys if _key_text(key) not in current[table_name]]
        if gone:
            stale[table_name] = gone
    return stale


def seed(
    client: Any,
    tables: Sequence[SeedTable],
    *,
    stale: Mapping[str, Sequence[dict[str, Any]]] | None = None,
    policy: BackoffPolicy | None = None,
) -> Outcome:
    """Upsert ``tables``, then delete the ``stale`` keys an older sample set left."""
    written = upsert(client, tables, policy=policy)
    deleted = remove(client, stale or {}, policy=policy)
    return Outcome(written=written, deleted=deleted)


# --- the custom resource ----------------------------------------------------------------------


def apply_event(
    event: Mapping[str, Any], *, client: Any, policy: BackoffPolicy | None = None
) -> Outcome:
    """Create/Update upsert the new set and delete what the old set had extra; Delete
    removes the keys it seeded. Everything is read and checked before the first write.
    A failure raises, which the Provider framework reports to CloudFormation as FAILED
    with the message; a Delete never fails over the sample data itself."""
    request = event.get("RequestType")
    properties = event.get("ResourceProperties") or {}
    if request == "Delete":
        keys = deletable_keys(properties, label="the sample data")
        return Outcome(written={}, deleted=remove(client, keys, policy=policy))
    if request not in ("Create", "Update"):
        raise SeedingError(f"unknown RequestType {request!r}")
    new = read_properties(properties)
    stale = {}
    if request == "Update":
        old = deletable_keys(event.get("OldResourceProperties"), label="the old sample data")
        stale = stale_keys(old, new)
    return seed(client, new, stale=stale, policy=policy)


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

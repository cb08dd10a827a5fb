"""The bulk put's error report, merged into the rejects file in the direct path's format.

The service writes the items it could not write as JSON lines under the output prefix.
Each failed item is traced back to its source file and position through the index staged
beside the data (``PREFIX/index/``), so an entry reads like one from BatchWriteItem: kind
``not_written``, the source record, and DynamoDB's reason. A report line that names no
item we staged is still kept, whole, as ``raw_text``: nothing in the report is dropped.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from ddbctl.bulk.location import StagingLocation
from ddbctl.bulk.manifest import Manifest
from ddbctl.migrate.problems import Problem
from ddbctl.migrate.report import NOT_WRITTEN, Origin, RejectsLog, Tally

BULK_PUT_ERROR = "bulk_put_error"
# How a report line names its reason and code (case-insensitive; searched a few levels deep,
# so ``{"error": {"code": ..., "message": ...}}`` reads the same as flat fields).
_MESSAGE_FIELDS = ("errormessage", "message", "reason", "failuremessage")
_CODE_FIELDS = ("errorcode", "errortype", "code", "failurecode")
_SEARCH_DEPTH = 3


@dataclass(frozen=True)
class Failure:
    report_key: str
    line: str
    item: dict[str, Any] | None
    problem: Problem

    @property
    def id(self) -> str | None:
        key = (self.item or {}).get("id")
        return key.get("S") if isinstance(key, dict) else None


def read_report(s3: Any, location: StagingLocation) -> list[Failure]:
    """Every failed item in every report object under ``PREFIX/reports/``."""
    failures = []
    for key in _keys(s3, location.bucket, location.reports_prefix):
        if key.rsplit("/", 1)[-1].lower().startswith("manifest"):
            continue  # the service's own summary of the report files, not failed items
        data = s3.get_object(Bucket=location.bucket, Key=key)["Body"].read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        for line in data.decode("utf-8", errors="replace").splitlines():
            if line.strip():
                failures.append(_failure(key, line))
    return failures


def _failure(key: str, line: str) -> Failure:
    try:
        entry = json.loads(line)
    except ValueError:
        entry = None
    if not isinstance(entry, dict):
        return Failure(key, line, None, Problem(BULK_PUT_ERROR, "the bulk put reported: " + line))
    message = _field(entry, _MESSAGE_FIELDS) or "no reason given"
    code = _field(entry, _CODE_FIELDS)
    reason = f"DynamoDB's bulk put did not write it: {code + ': ' if code else ''}{message}"
    return Failure(key, line, _item(entry), Problem(BULK_PUT_ERROR, reason))


def _item(value: Any, depth: int = 0) -> dict[str, Any] | None:
    """The first DynamoDB-JSON item in the line: a map whose ``id`` is ``{"S": ...}``."""
    if not isinstance(value, dict) or depth > _SEARCH_DEPTH:
        return None
    key = value.get("id")
    if isinstance(key, dict) and isinstance(key.get("S"), str):
        return value
    for inner in value.values():
        found = _item(inner, depth + 1)
        if found is not None:
            return found
    return None


def _field(value: dict[str, Any], names: tuple[str, ...], depth: int = 0) -> str:
    for name, inner in value.items():
        if name.lower() in names and isinstance(inner, str | int) and str(inner):
            return str(inner)
    for inner in value.values():
        if isinstance(inner, dict) and depth < _SEARCH_DEPTH and _item(inner) is None:
            found = _field(inner, names, depth + 1)
            if found:
                return found
    return ""


def merge_report(
    *,
    s3: Any,
    location: StagingLocation,
    manifest: Manifest,
    rejects: RejectsLog,
    tally: Tally,
    next_seq: int,
) -> int:
    """Adds each failure to ``rejects`` and ``tally`` (as not written); returns how many.

    ``next_seq`` numbers report lines that match no staged item, after every real record.
    """
    failures = read_report(s3, location)
    wanted = {failure.id for failure in failures if failure.id is not None}
    where = _find_sources(s3, location.bucket, manifest, wanted)
    entries = []
    for failure in failures:
        found = where.get(failure.id) if failure.id is not None else None
        if found is None:
            entries.append((next_seq, failure, None))
            next_seq += 1
        else:
            entries.append((found["seq"], failure, found))
    for seq, failure, found in sorted(entries, key=lambda entry: entry[0]):
        tally.count(NOT_WRITTEN, failure.problem)
        tally.written -= 1  # the run counted it as staged
        if found is None:
            rejects.add(
                seq=seq,
                kind=NOT_WRITTEN,
                origin=Origin(
                    path=f"s3://{location.bucket}/{failure.report_key}",
                    position=None,
                    location="the bulk put's error report",
                ),
                problem=failure.problem,
                raw_text=failure.line,
            )
        else:
            rejects.add(
                seq=seq,
                kind=NOT_WRITTEN,
                origin=Origin(
                    path=found["source"], position=found["position"], location=found["location"]
                ),
                problem=failure.problem,
                record=_source_record(failure.item),
            )
    return len(entries)


def _source_record(item: dict[str, Any] | None) -> Any:
    """The record as read: every item carries it whole in ``profile_data``."""
    if not item or "profile_data" not in item:
        return item
    return TypeDeserializer().deserialize(item["profile_data"])


def _find_sources(
    s3: Any, bucket: str, manifest: Manifest, wanted: set[str]
) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    if not wanted:
        return found
    for staged in manifest.objects:
        data = gzip.decompress(s3.get_object(Bucket=bucket, Key=staged.index_key)["Body"].read())
        for line in data.splitlines():
            entry = json.loads(line)
            if entry["id"] in wanted:
                found[entry["id"]] = entry
        if len(found) == len(wanted):
            break
    return found


def _keys(s3: Any, bucket: str, prefix: str) -> Iterator[str]:
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for entry in page.get("Contents", []):
            yield entry["Key"]

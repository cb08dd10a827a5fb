"""The S3 sink: valid items become gzip DynamoDB-JSON objects under ``PREFIX/data/``.

It takes the place of the direct path's ParallelWriter in the same migration run, so
records are read, validated, transformed and rejected by the same code either way; only
the last step differs. Object names are their content's sha256, and the output is
deterministic (gzip with no timestamp or file name), so a re-run of the same input
produces the same names and uploads nothing already there.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import tempfile
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import IO, Any

from botocore.exceptions import BotoCoreError, ClientError

from ddbctl.bulk.location import StagingLocation
from ddbctl.bulk.manifest import Manifest, StagedObject
from ddbctl.migrate.writer import Batch, BatchOutcome, Pending

# Objects well under the service's 5 GB limit and alike in size (it reads them in parallel);
# 50,000 of them would be 12.5 TiB, past any tier's input-size quota.
DEFAULT_OBJECT_BYTES = 256 * 1024 * 1024
MAX_OBJECTS = 50_000  # per bulk put operation
SPOOL_BYTES = 16 * 1024 * 1024


class StagingError(Exception):
    """Staging cannot finish; the message names the fix."""


def item_line(item: dict[str, Any]) -> bytes:
    """One input line as the bulk put's DYNAMODB_JSON format wants it."""
    try:
        text = json.dumps({"Item": item}, ensure_ascii=False, separators=(",", ":"))
        return text.encode() + b"\n"
    except UnicodeEncodeError:
        return json.dumps({"Item": item}, separators=(",", ":")).encode() + b"\n"


def index_line(entry: Pending) -> bytes:
    where = {
        "id": entry.id,
        "seq": entry.seq,
        "source": entry.path,
        "position": entry.position,
        "location": entry.location,
    }
    return json.dumps(where, ensure_ascii=True, separators=(",", ":")).encode() + b"\n"


class _GzipObject:
    """One object being written: gzip with mtime 0 and no name, so equal input means equal
    bytes."""

    def __init__(self) -> None:
        self.file: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
        self._gzip = gzip.GzipFile(filename="", mode="wb", fileobj=self.file, mtime=0)
        self.raw_bytes = 0
        self.lines = 0

    def write(self, line: bytes) -> None:
        self._gzip.write(line)
        self.raw_bytes += len(line)
        self.lines += 1

    def close(self) -> tuple[str, int]:
        """sha256 and size of the compressed bytes; the file is rewound for the upload."""
        self._gzip.close()
        self.file.seek(0)
        digest = hashlib.sha256()
        size = 0
        for chunk in iter(lambda: self.file.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
        self.file.seek(0)
        return digest.hexdigest(), size


@dataclass
class StagingCounts:
    uploaded: int = 0
    already_there: int = 0
    stray_keys: list[str] = field(default_factory=list)


class S3Stager:
    """A batch sink (``submit(batch) -> Future[BatchOutcome]``) that stages instead of writing.

    Items it accepted are in an object that is uploaded when full or at ``finish()``; an
    upload error stops the run (a fatal outcome), and the command then starts nothing.
    """

    def __init__(
        self,
        *,
        s3: Any,
        location: StagingLocation,
        table_name: str,
        object_bytes: int | None = None,
    ) -> None:
        self._s3 = s3
        self._location = location
        self._table_name = table_name
        self._object_bytes = object_bytes or DEFAULT_OBJECT_BYTES
        self._objects: list[StagedObject] = []
        self._data: _GzipObject | None = None
        self._index: _GzipObject | None = None
        self.counts = StagingCounts()
        self._existing = self._list(location.data_prefix) | self._list(location.index_prefix)

    def submit(self, batch: Batch) -> Future[BatchOutcome]:
        future: Future[BatchOutcome] = Future()
        try:
            for entry in batch.entries:
                self._add(entry)
        except (BotoCoreError, ClientError, StagingError) as error:
            future.set_result(BatchOutcome(batch, written=0, fatal=error))
        else:
            future.set_result(BatchOutcome(batch, written=len(batch.entries)))
        return future

    def close(self) -> None:
        """The ParallelWriter's counterpart; nothing runs in the background here."""

    def finish(self) -> Manifest:
        """Upload the last object and the manifest; refuse objects under ``data/`` that this
        input did not produce (the bulk put would load them too)."""
        if self._data is not None:
            self._upload_current()
        manifest = Manifest(
            table=self._table_name,
            bucket=self._location.bucket,
            data_prefix=self._location.data_prefix,
            objects=tuple(self._objects),
        )
        produced = {staged.key for staged in self._objects}
        self.counts.stray_keys = sorted(
            key
            for key in self._existing
            if key.startswith(self._location.data_prefix) and key not in produced
        )
        self._put_if_changed(self._location.manifest_key, manifest.to_json())
        return manifest

    def _add(self, entry: Pending) -> None:
        line = item_line(entry.request["PutRequest"]["Item"])
        if self._data is not None and self._data.raw_bytes + len(line) > self._object_bytes:
            self._upload_current()
        if self._data is None:
            if len(self._objects) >= MAX_OBJECTS:
                raise StagingError(
                    f"over {MAX_OBJECTS} objects, the most one bulk put reads: split SOURCE "
                    "into several loads, each with its own PREFIX"
                )
            self._data, self._index = _GzipObject(), _GzipObject()
        assert self._index is not None
        self._data.write(line)
        self._index.write(index_line(entry))

    def _upload_current(self) -> None:
        assert self._data is not None and self._index is not None
        data_sha, data_size = self._data.close()
        index_sha, _ = self._index.close()
        key = f"{self._location.data_prefix}{data_sha}.json.gz"
        index_key = f"{self._location.index_prefix}{index_sha}.jsonl.gz"
        self._upload(key, data_sha, self._data.file, items=self._data.lines)
        self._upload(index_key, index_sha, self._index.file, items=self._index.lines)
        self._objects.append(
            StagedObject(
                key=key,
                sha256=data_sha,
                bytes=data_size,
                items=self._data.lines,
                index_key=index_key,
                index_sha256=index_sha,
            )
        )
        self._data.file.close()
        self._index.file.close()
        self._data = self._index = None

    def _upload(self, key: str, sha256: str, body: IO[bytes], *, items: int) -> None:
        if key in self._existing and self._has_sha(key, sha256):
            self.counts.already_there += 1
            return
        self._s3.put_object(
            Bucket=self._location.bucket,
            Key=key,
            Body=body,
            ContentType="application/gzip",
            Metadata={"sha256": sha256, "items": str(items)},
        )
        self.counts.uploaded += 1

    def _has_sha(self, key: str, sha256: str) -> bool:
        head = self._s3.head_object(Bucket=self._location.bucket, Key=key)
        return head.get("Metadata", {}).get("sha256") == sha256

    def _put_if_changed(self, key: str, body: bytes) -> None:
        try:
            current = self._s3.get_object(Bucket=self._location.bucket, Key=key)["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in ("NoSuchKey", "404"):
                raise
            current = None
        if current == body:
            self.counts.already_there += 1
            return
        self._s3.put_object(
            Bucket=self._location.bucket, Key=key, Body=body, ContentType="application/json"
        )
        self.counts.uploaded += 1

    def _list(self, prefix: str) -> set[str]:
        paginator = self._s3.get_paginator("list_objects_v2")
        keys: set[str] = set()
        for page in paginator.paginate(Bucket=self._location.bucket, Prefix=prefix):
            keys.update(entry["Key"] for entry in page.get("Contents", []))
        return keys

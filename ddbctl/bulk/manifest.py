"""What was staged: every input object with its item count and sha256, and the client token
the bulk put is started with, derived from them so a repeated start is the same operation."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

FORMAT = "ddbctl-bulk-stage/1"
CLIENT_TOKEN_LENGTH = 36  # as long as a UUID, the length AWS idempotency tokens allow


@dataclass(frozen=True)
class StagedObject:
    key: str
    sha256: str
    bytes: int
    items: int
    index_key: str  # where each item's source file and position are, for the rejects file
    index_sha256: str


@dataclass(frozen=True)
class Manifest:
    table: str
    bucket: str
    data_prefix: str
    objects: tuple[StagedObject, ...] = field(default_factory=tuple)

    @property
    def items(self) -> int:
        return sum(staged.items for staged in self.objects)

    @property
    def total_bytes(self) -> int:
        return sum(staged.bytes for staged in self.objects)

    def to_json(self) -> bytes:
        body: dict[str, Any] = {
            "format": FORMAT,
            "table": self.table,
            "input": {
                "bucket": self.bucket,
                "prefix": self.data_prefix,
                "format": "DYNAMODB_JSON",
                "compression": "GZIP",
            },
            "items": self.items,
            "bytes": self.total_bytes,
            "objects": [asdict(staged) for staged in self.objects],
        }
        return (json.dumps(body, indent=1, sort_keys=True) + "\n").encode()

    @property
    def client_token(self) -> str:
        return hashlib.sha256(self.to_json()).hexdigest()[:CLIENT_TOKEN_LENGTH]

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        body = json.loads(data)
        if body.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} manifest")
        return cls(
            table=body["table"],
            bucket=body["input"]["bucket"],
            data_prefix=body["input"]["prefix"],
            objects=tuple(StagedObject(**staged) for staged in body["objects"]),
        )

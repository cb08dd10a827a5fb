"""Per-segment progress of a copy, saved atomically so ``--resume`` continues after kill -9.

Each segment records the LastEvaluatedKey of its last fully handled page and its
counts. A page is written before its key is saved, so a kill repeats at most one
page per segment: a put of the same item is idempotent, and ``--only-missing``
counts the repeats as skipped.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ddbctl.errors import CliError

VERSION = 1


@dataclass
class SegmentState:
    start_key: dict[str, Any] | None = None
    done: bool = False
    scanned: int = 0
    written: int = 0
    skipped: int = 0
    failed: int = 0


@dataclass
class CopyCheckpoint:
    source: str
    target: str
    mode: str
    segments: list[SegmentState] = field(default_factory=list)
    version: int = VERSION

    @property
    def complete(self) -> bool:
        return all(segment.done for segment in self.segments)

    def totals(self) -> dict[str, int]:
        return {
            name: sum(getattr(segment, name) for segment in self.segments)
            for name in ("scanned", "written", "skipped", "failed")
        }

    @classmethod
    def fresh(cls, *, source: str, target: str, mode: str, segments: int) -> CopyCheckpoint:
        return cls(
            source=source,
            target=target,
            mode=mode,
            segments=[SegmentState() for _ in range(segments)],
        )

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(asdict(self), stream)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> CopyCheckpoint | None:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if raw.get("version") != VERSION:
                raise ValueError(f"version {raw.get('version')!r}")
            raw["segments"] = [SegmentState(**segment) for segment in raw["segments"]]
            return cls(**raw)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, KeyError) as error:
            raise CliError(
                f"checkpoint {path} is unreadable ({error}): delete it to start the copy over"
            ) from None

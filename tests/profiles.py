"""Seed 004 style profile records for the migrate-profiles tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ddbctl.migrate.validate import build_item
from ddbctl.migrate.writer import Pending


def profile(number: int, **data: Any) -> dict[str, Any]:
    """A json_storage envelope, as seed 004's server writes them; ``data`` overrides fields."""
    fields = {
        "name": f"Agent {number}",
        "address": f"agent1q{number:040d}",
        "job": ("Plumber", "Tutor", "Painter")[number % 3],
        "averagePrice": 50.25 + number,
        "tags": ["python", "api"],
        "location": [("Ann Arbor", "Detroit")[number % 2], "MI"],
        "description": f"Profile number {number}",
    }
    fields.update(data)
    return {"id": f"agent-{number:05d}", "timestamp": "2025-09-27T23:18:34", "data": fields}


def write_files(directory: Path, records: dict[str, Any | bytes]) -> Path:
    """One file per entry: JSON for values, raw bytes as given."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, record in records.items():
        path = directory / name
        if isinstance(record, bytes):
            path.write_bytes(record)
        else:
            path.write_text(json.dumps(record))
    return directory


def read_rejects(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def pending(number: int) -> Pending:
    """Profile ``number`` as the writer's queue holds it: validated, with its put request."""
    record = profile(number)
    _, request = build_item(record)
    return Pending(
        seq=number,
        id=record["id"],
        path="x.json",
        position=None,
        location="x.json",
        record=record,
        request={"PutRequest": {"Item": request}},
    )


def drop_tables(client: Any, *names: str) -> None:
    """Delete each table that exists and wait until it is gone; a missing one is fine."""
    for name in names:
        try:
            client.delete_table(TableName=name)
        except client.exceptions.ResourceNotFoundException:
            continue
        client.get_waiter("table_not_exists").wait(TableName=name)

"""BatchWriteItem with bounded, jittered retries of ``UnprocessedItems``.

boto3's ``batch_writer`` resends unprocessed items immediately, which keeps
hammering a throttled table. Here each resend waits ``uniform(0, min(cap,
base * 2**attempt))`` ("full jitter"), and items still unprocessed after the
last attempt are raised, never dropped.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

MAX_BATCH_SIZE = 25  # DynamoDB's BatchWriteItem limit per call.

T = TypeVar("T")


@dataclass(frozen=True)
class BackoffPolicy:
    max_attempts: int = 8
    base_delay: float = 0.05
    max_delay: float = 5.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    jitter: Callable[[], float] = field(default=random.random, compare=False)

    def delay(self, attempt: int) -> float:
        """Full-jitter delay before resend number ``attempt`` (1-based)."""
        return self.jitter() * min(self.max_delay, self.base_delay * 2**attempt)


class UnprocessedItemsError(Exception):
    """Items DynamoDB still refused after every retry. Nothing was silently dropped."""

    def __init__(self, table_name: str, unprocessed: list[dict[str, Any]], attempts: int) -> None:
        self.table_name = table_name
        self.unprocessed = unprocessed
        self.attempts = attempts
        super().__init__(
            f"{len(unprocessed)} item(s) still unprocessed in {table_name} after "
            f"{attempts} attempts; the table is throttling: retry later or raise its capacity"
        )


def chunked(items: Iterable[T], size: int = MAX_BATCH_SIZE) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_batch(
    client: Any,
    table_name: str,
    requests: list[dict[str, Any]],
    *,
    policy: BackoffPolicy | None = None,
) -> int:
    """Send up to 25 low-level write requests; return how many calls it took.

    ``requests`` are ``{"PutRequest": {...}}`` / ``{"DeleteRequest": {...}}``
    entries in DynamoDB JSON. Raises :class:`UnprocessedItemsError` if some
    remain unprocessed after ``policy.max_attempts`` calls.
    """
    if len(requests) > MAX_BATCH_SIZE:
        raise ValueError(f"a batch holds at most {MAX_BATCH_SIZE} requests, got {len(requests)}")
    policy = policy or BackoffPolicy()
    pending = requests
    attempt = 0
    while pending:
        attempt += 1
        response = client.batch_write_item(RequestItems={table_name: pending})
        pending = response.get("UnprocessedItems", {}).get(table_name, [])
        if not pending:
            break
        if attempt >= policy.max_attempts:
            raise UnprocessedItemsError(table_name, pending, attempt)
        policy.sleep(policy.delay(attempt))
    return attempt

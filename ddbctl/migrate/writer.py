"""Parallel BatchWriteItem: batches of up to 25 items on a pool of worker threads.

Each batch goes through ``ddbio.write_batch`` (capped full-jitter backoff of
``UnprocessedItems``) on one shared client (boto3 clients are thread-safe;
its connection pool is sized to the worker count). A batch never raises into
the caller: its outcome says what was written, what was not and why, or that
the run cannot go on (a fatal error such as a missing table or no access).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from ddbctl.migrate import problems as p
from ddbctl.migrate.problems import Problem
from ddbio import BackoffPolicy, UnprocessedItemsError, write_batch

# Still raised after botocore's own (standard mode) retries: the table is out of capacity.
THROTTLING_CODES = frozenset(
    {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"}
)

# How DynamoDB words a ValidationException about the table's (or an index's) key schema:
# every item would get it, so it stops the run instead of a resend of each item alone.
_SCHEMA_REFUSAL = re.compile(
    r"does not match the schema|Missing the key|required keys was not given a value"
    r"|Type mismatch for (?:key|Index Key)",
    re.IGNORECASE,
)


class SchemaMismatchError(Exception):
    """The table refused a batch for its key schema; the message names the fix."""


@dataclass(frozen=True, slots=True)
class Pending:
    """One valid record on its way to the table."""

    seq: int
    id: str
    path: str
    position: int | None
    location: str
    record: Any
    request: dict[str, Any]


@dataclass
class Batch:
    number: int
    entries: list[Pending] = field(default_factory=list)

    @property
    def first_seq(self) -> int:
        return self.entries[0].seq


@dataclass(frozen=True)
class BatchOutcome:
    batch: Batch
    written: int
    not_written: list[tuple[Pending, Problem]] = field(default_factory=list)
    fatal: Exception | None = None


def write_one(client: Any, table_name: str, batch: Batch, policy: BackoffPolicy) -> BatchOutcome:
    requests = [entry.request for entry in batch.entries]
    try:
        write_batch(client, table_name, requests, policy=policy)
    except UnprocessedItemsError as error:
        left = {request["PutRequest"]["Item"]["id"]["S"] for request in error.unprocessed}
        problem = Problem(
            p.UNPROCESSED,
            f"still in UnprocessedItems after {error.attempts} BatchWriteItem attempts "
            "(the table is throttling): re-run later or raise its write capacity",
        )
        failed = [(entry, problem) for entry in batch.entries if entry.id in left]
        return BatchOutcome(batch, written=len(batch.entries) - len(failed), not_written=failed)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", str(error))
        if code in THROTTLING_CODES:
            problem = Problem(
                p.THROTTLED,
                f"{code} after botocore's retries: re-run later or raise the write capacity",
            )
        elif code == "ValidationException" and _SCHEMA_REFUSAL.search(message):
            return BatchOutcome(
                batch,
                written=0,
                fatal=SchemaMismatchError(
                    f"table {table_name} refused the items' keys (DynamoDB: {message}); its "
                    "key schema is not agent-profiles': point --env/--endpoint-url at the "
                    "agent-profiles table, or recreate it with the catalog's key schema"
                ),
            )
        elif code == "ValidationException" and len(batch.entries) > 1:
            return _one_by_one(client, table_name, batch, policy)
        elif code == "ValidationException":
            problem = Problem(p.WRITE_FAILED, f"DynamoDB refused the item: {message}")
        else:
            return BatchOutcome(batch, written=0, fatal=error)
        # Some of these may have been written by an earlier resend; writing them again is harmless.
        return BatchOutcome(
            batch, written=0, not_written=[(entry, problem) for entry in batch.entries]
        )
    except BotoCoreError as error:
        return BatchOutcome(batch, written=0, fatal=error)
    return BatchOutcome(batch, written=len(batch.entries))


def _one_by_one(client: Any, table_name: str, batch: Batch, policy: BackoffPolicy) -> BatchOutcome:
    """DynamoDB refuses a whole batch for one bad item (say, a limit the checks before the
    write measured differently). Resend each item alone, so only the bad ones are not
    written, each with DynamoDB's own reason."""
    written = 0
    not_written: list[tuple[Pending, Problem]] = []
    for entry in batch.entries:
        outcome = write_one(client, table_name, Batch(batch.number, [entry]), policy)
        if outcome.fatal is not None:
            return BatchOutcome(batch, written=0, fatal=outcome.fatal)
        written += outcome.written
        not_written += outcome.not_written
    return BatchOutcome(batch, written=written, not_written=not_written)


class BatchSink(Protocol):
    """Where valid batches go: DynamoDB (ParallelWriter) or S3 staging (ddbctl.bulk)."""

    def submit(self, batch: Batch) -> Future[BatchOutcome]: ...


class ParallelWriter:
    """Submits batches to ``workers`` threads; the caller bounds how many are in flight."""

    def __init__(
        self,
        *,
        client: Any,
        table_name: str,
        workers: int,
        policy: BackoffPolicy | None = None,
        write: Callable[[Any, str, Batch, BackoffPolicy], BatchOutcome] = write_one,
    ) -> None:
        self._client = client
        self._table_name = table_name
        self._policy = policy or BackoffPolicy()
        self._write = write
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="migrate-writer")

    def submit(self, batch: Batch) -> Future[BatchOutcome]:
        return self._pool.submit(self._write, self._client, self._table_name, batch, self._policy)

    def close(self) -> None:
        self._pool.shutdown(wait=True)

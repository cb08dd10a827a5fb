"""Copy items between two tables with the same key schema: parallel Scan segments,
batched or conditional writes with jittered backoff, a checkpoint per segment.

``ENGINES`` is the seam for other ways to move the data: an engine takes a
:class:`CopyJob` and returns the totals. ``scan`` is built in; the bulk
helper's S3 export/import engine plugs in under its own name (``--via-s3``)
without touching the checks, the checkpoint lock or the counts line.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from ddbctl.errors import CliError
from ddbctl.recovery.copy_checkpoint import CopyCheckpoint
from ddbio.batch_writer import BackoffPolicy, chunked

ONLY_MISSING = "only-missing"
OVERWRITE = "overwrite"
THROTTLING_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
    }
)


def _code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")


def key_schema(client: Any, table_name: str) -> tuple[tuple[str, str, str], ...]:
    """``((name, HASH|RANGE, S|N|B), ...)``; a missing table is one line."""
    try:
        table = client.describe_table(TableName=table_name)["Table"]
    except ClientError as error:
        if _code(error) == "ResourceNotFoundException":
            raise CliError(
                f"table {table_name} does not exist at this endpoint: check the name, --env "
                "and --endpoint-url"
            ) from None
        raise
    types = {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]}
    return tuple(
        (k["AttributeName"], k["KeyType"], types.get(k["AttributeName"], "?"))
        for k in table["KeySchema"]
    )


def check_schemas(client: Any, *, source: str, target: str) -> tuple[tuple[str, str, str], ...]:
    have, want = key_schema(client, source), key_schema(client, target)
    if have != want:
        raise CliError(
            f"key schemas differ: {source} has {_show(have)}, {target} has {_show(want)}: "
            "copy only between tables with the same keys"
        )
    return have


def _show(schema: tuple[tuple[str, str, str], ...]) -> str:
    return " + ".join(f"{name} ({kind}, {role})" for name, role, kind in schema)


@dataclass
class CopyJob:
    client: Any
    source: str
    target: str
    mode: str
    hash_key: str
    checkpoint: CopyCheckpoint
    checkpoint_path: Path
    failures_path: Path
    policy: BackoffPolicy = field(default_factory=BackoffPolicy)
    page_size: int | None = None
    on_progress: Callable[[int], None] = lambda _count: None


CopyEngine = Callable[[CopyJob], dict[str, int]]


def with_backoff(call: Callable[[], Any], policy: BackoffPolicy) -> Any:
    """Retry throttling the client's own retries gave up on, with full-jitter delays."""
    attempt = 0
    while True:
        attempt += 1
        try:
            return call()
        except ClientError as error:
            if _code(error) not in THROTTLING_CODES or attempt >= policy.max_attempts:
                raise
            policy.sleep(policy.delay(attempt))


@dataclass
class PageResult:
    written: int = 0
    skipped: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)


def _key_of(item: dict[str, Any], key_names: list[str]) -> dict[str, Any]:
    return {name: item[name] for name in key_names if name in item}


def _write_batch(job: CopyJob, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """BatchWriteItem with jittered resends of UnprocessedItems, each call itself retried
    on throttling; returns the requests still unprocessed after the last attempt."""
    pending = requests
    for attempt in range(1, job.policy.max_attempts + 1):
        response = with_backoff(
            lambda pending=pending: job.client.batch_write_item(RequestItems={job.target: pending}),
            job.policy,
        )
        pending = response.get("UnprocessedItems", {}).get(job.target, [])
        if not pending or attempt == job.policy.max_attempts:
            break
        job.policy.sleep(job.policy.delay(attempt))
    return pending


def _overwrite(job: CopyJob, items: list[dict[str, Any]], key_names: list[str]) -> PageResult:
    result = PageResult()
    for batch in chunked(items):
        try:
            left = _write_batch(job, [{"PutRequest": {"Item": item}} for item in batch])
        except ClientError as error:
            result.failures += [
                {"key": _key_of(item, key_names), "error": str(error)} for item in batch
            ]
            continue
        result.written += len(batch) - len(left)
        result.failures += [
            {"key": _key_of(r["PutRequest"]["Item"], key_names), "error": "unprocessed"}
            for r in left
        ]
    return result


def _only_missing(job: CopyJob, items: list[dict[str, Any]], key_names: list[str]) -> PageResult:
    result = PageResult()
    for item in items:
        try:
            with_backoff(
                lambda item=item: job.client.put_item(
                    TableName=job.target,
                    Item=item,
                    ConditionExpression="attribute_not_exists(#h)",
                    ExpressionAttributeNames={"#h": job.hash_key},
                ),
                job.policy,
            )
            result.written += 1
        except ClientError as error:
            if _code(error) == "ConditionalCheckFailedException":
                result.skipped += 1
            else:
                result.failures.append({"key": _key_of(item, key_names), "error": str(error)})
    return result


class _Run:
    """What the segment threads share: one lock for the checkpoint and failures file."""

    def __init__(self, job: CopyJob, key_names: list[str]) -> None:
        self.job = job
        self.key_names = key_names
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def segment(self, index: int) -> None:
        job = self.job
        state = job.checkpoint.segments[index]
        write = _only_missing if job.mode == ONLY_MISSING else _overwrite
        while not state.done and not self.stop.is_set():
            request: dict[str, Any] = {
                "TableName": job.source,
                "Segment": index,
                "TotalSegments": len(job.checkpoint.segments),
            }
            if job.page_size:
                request["Limit"] = job.page_size
            if state.start_key:
                request["ExclusiveStartKey"] = state.start_key
            page = with_backoff(lambda request=request: job.client.scan(**request), job.policy)
            items = page.get("Items", [])
            result = write(job, items, self.key_names)
            with self.lock:
                if result.failures:
                    with open(job.failures_path, "a", encoding="utf-8") as failures:
                        for failure in result.failures:
                            failures.write(json.dumps(failure) + "\n")
                state.scanned += len(items)
                state.written += result.written
                state.skipped += result.skipped
                state.failed += len(result.failures)
                state.start_key = page.get("LastEvaluatedKey")
                state.done = state.start_key is None
                job.checkpoint.save(job.checkpoint_path)
            job.on_progress(len(items))


def scan_copy(job: CopyJob) -> dict[str, int]:
    """The built-in engine: one thread per Scan segment."""
    key_names = [name for name, _, _ in key_schema(job.client, job.source)]
    run = _Run(job, key_names)
    segments = range(len(job.checkpoint.segments))
    with ThreadPoolExecutor(max_workers=len(segments)) as pool:
        futures = [pool.submit(run.segment, index) for index in segments]
        try:
            done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        except BaseException:
            run.stop.set()
            raise
        errors = [future.exception() for future in done if future.exception() is not None]
        if errors:
            run.stop.set()
            wait(futures)
            raise errors[0]
    return job.checkpoint.totals()


SCAN_ENGINE = "scan"
ENGINES: dict[str, CopyEngine] = {SCAN_ENGINE: scan_copy}

"""``make bench-copy``: ``ddbctl copy`` against a plain Scan + ``batch_writer`` loop, one run.

Both copy the same generated items from one source table into a fresh target
on one DynamoDB Local, started here on a free port: (a) the baseline, a
single-threaded paginated Scan feeding boto3's ``Table.batch_writer()``; (b)
``ddbctl copy --overwrite`` (parallel segments, checkpointed). Items/s and the
ratio b/a are printed; the ratio, not the absolute numbers, is what to compare
across machines. Each target is checked item for item against the source.

DynamoDB Local's JIT warms up as it works, and a shared machine's load comes
and goes, so the two run in alternating order for ``--rounds`` rounds (fresh
targets each time) and the medians are compared.

Usage: ``python bench/copy_bench.py [--items 20000] [--segments 8] [--rounds 3]``
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
os.environ.pop("AWS_PROFILE", None)

import boto3  # noqa: E402

from ddbctl.cli import main as ddbctl_main  # noqa: E402
from ddbctl.local_server import LocalServer, free_port  # noqa: E402
from ddbio import dynamodb_client  # noqa: E402

REGION = "us-east-1"
SOURCE, BASELINE, TOOL = "bench-copy-source", "bench-copy-baseline", "bench-copy-tool"
TARGET_RATIO = 1.5


def create(client, name: str) -> None:
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def load(client, count: int) -> None:
    """Items of about 300 bytes, like a small profile."""
    for start in range(0, count, 25):
        requests = [
            {
                "PutRequest": {
                    "Item": {
                        "id": {"S": f"agent-{n:07d}"},
                        "name": {"S": f"Agent {n}"},
                        "job": {"S": ("Plumber", "Tutor", "Painter")[n % 3]},
                        "bio": {"S": "x" * 200},
                        "rating": {"N": str(n % 50)},
                    }
                }
            }
            for n in range(start, min(count, start + 25))
        ]
        client.batch_write_item(RequestItems={SOURCE: requests})


def scan_all(client, name: str) -> dict[str, dict]:
    pages = client.get_paginator("scan").paginate(TableName=name)
    return {item["id"]["S"]: item for page in pages for item in page["Items"]}


def baseline(endpoint: str) -> None:
    resource = boto3.resource("dynamodb", region_name=REGION, endpoint_url=endpoint)
    source, target = resource.Table(SOURCE), resource.Table(BASELINE)
    request: dict = {}
    with target.batch_writer() as writer:
        while True:
            page = source.scan(**request)
            for item in page["Items"]:
                writer.put_item(Item=item)
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def tool(endpoint: str, *, segments: int, checkpoint: Path) -> None:
    argv = ["copy", "--env", "dev", "--endpoint-url", endpoint, "--from", SOURCE, "--to", TOOL]
    argv += ["--overwrite", "--segments", str(segments), "--checkpoint", str(checkpoint)]
    with contextlib.redirect_stdout(io.StringIO()) as out:
        code = ddbctl_main(argv)
    if code != 0:
        raise SystemExit(f"ddbctl copy exited {code}: {out.getvalue()}")


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def fresh_targets(client) -> None:
    for name in (BASELINE, TOOL):
        with contextlib.suppress(client.exceptions.ResourceNotFoundException):
            client.delete_table(TableName=name)
        create(client, name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--segments", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server = LocalServer.start(port=free_port())
    times: dict[str, list[float]] = {"baseline": [], "tool": []}
    try:
        server.wait_ready()
        endpoint = server.endpoint
        client = dynamodb_client(region=REGION, endpoint_url=endpoint)
        create(client, SOURCE)
        load(client, args.items)
        source = scan_all(client, SOURCE)
        with tempfile.TemporaryDirectory() as state:
            os.environ["DDBCTL_STATE_DIR"] = state
            for number in range(args.rounds):
                fresh_targets(client)
                checkpoint = Path(state) / f"round-{number}.json"
                runs = {
                    "baseline": lambda: baseline(endpoint),
                    "tool": lambda checkpoint=checkpoint: tool(
                        endpoint, segments=args.segments, checkpoint=checkpoint
                    ),
                }
                order = ["baseline", "tool"] if number % 2 == 0 else ["tool", "baseline"]
                for name in order:
                    times[name].append(timed(runs[name]))
                for name in (BASELINE, TOOL):
                    if scan_all(client, name) != source:
                        raise SystemExit(f"{name} does not equal the source item for item")
    finally:
        server.stop()
    base, ours = statistics.median(times["baseline"]), statistics.median(times["tool"])
    ratio = base / ours
    rounds = ", ".join(
        f"{b / t:.2f}" for b, t in zip(times["baseline"], times["tool"], strict=True)
    )
    print(f"items: {args.items}, {args.rounds} rounds in alternating order (DynamoDB Local)")
    print(f"(a) Scan + batch_writer, one thread: {args.items / base:,.0f} items/s (median)")
    print(
        f"(b) ddbctl copy --overwrite --segments {args.segments}: "
        f"{args.items / ours:,.0f} items/s (median)"
    )
    verdict = "meets" if ratio >= TARGET_RATIO else "misses"
    print(
        f"ratio b/a: {ratio:.2f} of medians (rounds: {rounds}); {verdict} the {TARGET_RATIO} target"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

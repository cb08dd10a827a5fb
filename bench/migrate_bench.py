"""``make bench-migrate``: three ways to load the same generated profiles, in one run.

(a) a per-item ``put_item`` loop, as seed 004's ``migrate_to_dynamodb.py`` does;
(b) boto3's ``Table.batch_writer()``;
(c) ``ddbctl migrate-profiles``.

All three read the same json_storage-style files and write the same items into
a fresh table on one DynamoDB Local, started here on a free port. Items/s and
the ratios c/a and c/b are printed; ratios, not absolute numbers, are what to
compare across machines. Then the tool's peak RSS is measured for 10k and 100k
profiles, each run as its own process (``os.wait4`` gives that child's
``ru_maxrss``).

Usage: ``python bench/migrate_bench.py [--profiles 20000] [--rss 10000 100000]``
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
os.environ.pop("AWS_PROFILE", None)

import boto3  # noqa: E402

import catalog  # noqa: E402
from ddbctl.cli import main as ddbctl_main  # noqa: E402
from ddbctl.local_server import LocalServer, free_port  # noqa: E402
from ddbctl.migrate.transform import to_item  # noqa: E402
from ddbctl.migrate.validate import check_record  # noqa: E402
from ddbctl.table_definitions import create_table  # noqa: E402
from ddbio import dynamodb_client, retry_config  # noqa: E402

SPEC = catalog.table("agent-profiles")
REGION = "us-east-1"
TOOL_TABLE = "dev-agent-profiles"  # what `--env dev` writes to
JOBS = ("Plumber", "Software Developer", "Data Scientist", "Electrician", "Tutor", "Painter")
CITIES = ("Ann Arbor", "New York", "San Francisco", "Detroit", "Austin", "Chicago")


def generate(directory: Path, count: int, *, seed: int = 4) -> None:
    """json_storage-style envelopes, one per file, like seed 004's server writes them."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        profile_id = f"agent-{number:07d}"
        record = {
            "id": profile_id,
            "timestamp": f"2025-09-{1 + number % 28:02d}T12:00:{number % 60:02d}",
            "data": {
                "name": f"Agent {number}",
                "address": f"agent1q{rng.getrandbits(200):050x}",
                "job": rng.choice(JOBS),
                "averagePrice": round(rng.uniform(10, 250), 2),
                "tags": rng.sample(["python", "plumbing", "sink", "api", "ml", "paint"], 3),
                "location": [rng.choice(CITIES), "MI"],
                "description": "Experienced professional. " * rng.randint(2, 8),
            },
        }
        (directory / f"{profile_id}.json").write_text(json.dumps(record))


def items(directory: Path):
    """What (a) and (b) write: the same items the tool writes, read the same way."""
    for path in sorted(directory.iterdir()):
        record = json.loads(path.read_bytes(), parse_float=Decimal)
        yield to_item(check_record(record)).attributes


def fresh_table(client, name: str) -> None:
    try:
        client.delete_table(TableName=name)
        client.get_waiter("table_not_exists").wait(TableName=name)
    except client.exceptions.ResourceNotFoundException:
        pass
    create_table(client, SPEC, table_name=name)


def count_items(client, name: str) -> int:
    total = 0
    for page in client.get_paginator("scan").paginate(TableName=name, Select="COUNT"):
        total += page["Count"]
    return total


def timed(label: str, client, table: str, expected: int, load) -> float:
    fresh_table(client, table)
    start = time.perf_counter()
    load()
    elapsed = time.perf_counter() - start
    found = count_items(client, table)
    if found != expected:
        raise SystemExit(f"{label}: expected {expected} items in {table}, found {found}")
    rate = expected / elapsed
    print(f"  {label:<34} {elapsed:7.2f} s  {rate:8.0f} items/s", flush=True)
    return rate


def put_item_loop(endpoint: str, table: str, directory: Path) -> None:
    resource = boto3.resource(
        "dynamodb", region_name=REGION, endpoint_url=endpoint, config=retry_config()
    )
    target = resource.Table(table)
    for item in items(directory):
        target.put_item(Item=item)


def batch_writer(endpoint: str, table: str, directory: Path) -> None:
    resource = boto3.resource(
        "dynamodb", region_name=REGION, endpoint_url=endpoint, config=retry_config()
    )
    with resource.Table(table).batch_writer() as writer:
        for item in items(directory):
            writer.put_item(Item=item)


def the_tool(endpoint: str, directory: Path, state: Path, workers: int) -> None:
    with contextlib.redirect_stdout(io.StringIO()):  # its summary; the count is checked after
        code = ddbctl_main(
            [
                "migrate-profiles",
                str(directory),
                "--env",
                "dev",
                "--endpoint-url",
                endpoint,
                "--workers",
                str(workers),
                "--rejects",
                str(state / "rejects.jsonl"),
            ]
        )
    if code != 0:
        raise SystemExit(f"ddbctl migrate-profiles exited {code}")


def peak_rss(endpoint: str, directory: Path, state: Path, workers: int) -> tuple[float, float]:
    """(peak RSS in MiB, seconds) of one ``python -m ddbctl migrate-profiles`` process."""
    command = [
        sys.executable, "-m", "ddbctl", "migrate-profiles", str(directory), "--env", "dev",
        "--endpoint-url", endpoint, "--workers", str(workers),
        "--rejects", str(state / "rss-rejects.jsonl"),
    ]  # fmt: skip
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)  # noqa: S603
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"RSS run exited {process.returncode}")
    return usage.ru_maxrss / 1024, elapsed  # Linux reports KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2, help="runs of (b) and (c), interleaved")
    parser.add_argument("--rss", type=int, nargs="*", default=[10_000, 100_000])
    args = parser.parse_args()

    server = LocalServer.start(port=free_port())
    try:
        server.wait_ready()
        endpoint = server.endpoint
        client = dynamodb_client(region=REGION, endpoint_url=endpoint)
        with tempfile.TemporaryDirectory(prefix="migrate-bench-") as scratch:
            scratch_path = Path(scratch)
            data = scratch_path / "profiles"
            print(f"generating {args.profiles} profiles (one file each) ...", flush=True)
            generate(data, args.profiles)
            warm = scratch_path / "warm"
            generate(warm, 2_000, seed=1)
            fresh_table(client, "warm-up")
            batch_writer(endpoint, "warm-up", warm)  # JIT-warm DynamoDB Local before timing

            print(f"loading {args.profiles} profiles into DynamoDB Local at {endpoint}:")
            rate_a = timed(
                "(a) put_item loop (seed 004)",
                client,
                "bench-put-item",
                args.profiles,
                lambda: put_item_loop(endpoint, "bench-put-item", data),
            )
            state = scratch_path / "state"
            rates_b, rates_c = [], []
            for _ in range(args.rounds):  # interleaved: load from other processes hits both alike
                rates_b.append(
                    timed(
                        "(b) boto3 batch_writer",
                        client,
                        "bench-batch-writer",
                        args.profiles,
                        lambda: batch_writer(endpoint, "bench-batch-writer", data),
                    )
                )
                rates_c.append(
                    timed(
                        f"(c) ddbctl migrate-profiles x{args.workers}",
                        client,
                        TOOL_TABLE,
                        args.profiles,
                        lambda: the_tool(endpoint, data, state, args.workers),
                    )
                )
            rate_b, rate_c = max(rates_b), max(rates_c)
            print(
                f"best of {args.rounds}: a {rate_a:.0f}, b {rate_b:.0f}, c {rate_c:.0f} items/s; "
                f"ratios c/a = {rate_c / rate_a:.2f} (target >= 5), "
                f"c/b = {rate_c / rate_b:.2f} (target >= 1.3)"
            )

            for count in args.rss:
                rss_data = scratch_path / f"rss-{count}"
                generate(rss_data, count, seed=count)
                fresh_table(client, TOOL_TABLE)
                mib, seconds = peak_rss(endpoint, rss_data, state, args.workers)
                print(f"peak RSS, {count:>7} profiles: {mib:6.1f} MiB ({seconds:.1f} s)")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

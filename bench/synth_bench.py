"""``make bench-synth``: ``cdk synth --context env=prod`` against a bare ``TableV2`` app.

The baseline app defines the same six tables (keys and GSIs from the catalog) with
plain ``aws_cdk.aws_dynamodb.TableV2`` and nothing else: no key, alarms, policies,
backups or cdk-nag. Both run through the same CDK CLI, alternating, several rounds;
the ratio of the medians is what to compare across machines.

Usage: ``python bench/synth_bench.py [--rounds 5]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CDK = ROOT / "node_modules" / ".bin" / "cdk"

BASELINE_APP = """
import aws_cdk as cdk
from aws_cdk import aws_dynamodb as ddb

import catalog

TYPES = {
    "S": ddb.AttributeType.STRING,
    "N": ddb.AttributeType.NUMBER,
    "B": ddb.AttributeType.BINARY,
}


def attribute(key):
    return None if key is None else ddb.Attribute(name=key.name, type=TYPES[key.type.value])


app = cdk.App()
stack = cdk.Stack(app, "bare", env=cdk.Environment(account="333333333333", region="us-east-1"))
for spec in catalog.TABLES:
    ddb.TableV2(
        stack,
        spec.construct_id,
        table_name=spec.physical_name("prod"),
        partition_key=attribute(spec.partition_key),
        sort_key=attribute(spec.sort_key),
        global_secondary_indexes=[
            ddb.GlobalSecondaryIndexPropsV2(
                index_name=index.name,
                partition_key=attribute(index.partition_key),
                sort_key=attribute(index.sort_key),
            )
            for index in spec.global_indexes
        ],
    )
app.synth()
"""


def timed(command: list[str], *, cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)  # noqa: S603
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    env = {
        **os.environ,
        "PATH": f"{CDK.parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "CDK_DISABLE_VERSION_CHECK": "1",
    }
    ours, bare = [], []
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        (work / "bare_app.py").write_text(BASELINE_APP)
        (work / "cdk.json").write_text("{}")
        for _ in range(args.rounds):
            bare.append(
                timed(
                    [
                        str(CDK),
                        "synth",
                        "--quiet",
                        "--app",
                        f"{sys.executable} bare_app.py",
                        "--output",
                        str(work / "bare.out"),
                    ],
                    cwd=work,
                    env=env,
                )
            )
            ours.append(
                timed(
                    [
                        str(CDK),
                        "synth",
                        "--quiet",
                        "--context",
                        "env=prod",
                        "--output",
                        str(work / "ours.out"),
                    ],
                    cwd=ROOT,
                    env=env,
                )
            )
    ratio = statistics.median(ours) / statistics.median(bare)
    print(f"bare TableV2 app : median {statistics.median(bare):.2f}s over {args.rounds} rounds")
    print(f"cdk synth prod   : median {statistics.median(ours):.2f}s over {args.rounds} rounds")
    print(f"ratio            : {ratio:.2f} (target 1.5 or below)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

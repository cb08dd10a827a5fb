"""``ddbctl verify``: does an environment's DynamoDB match the catalog and its config?

Exit codes: 0 when nothing failed (unsupported and skipped checks are not
failures, and are never shown as passes); 1 on any FAIL; 2 usage error.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter

from ddbctl.context import CommandContext
from ddbctl.endpoint import require_local_endpoint
from ddbctl.errors import EXIT_FAILURE, EXIT_OK
from ddbctl.parser import add_env_arguments
from ddbctl.verification import LABELS, as_dict, verify_environment


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="check an environment's tables against the catalog (exit 1 on drift)",
        description="For every catalog table of --env: exists and ACTIVE, billing mode, "
        "key schema, each GSI (keys, projection, ACTIVE), TTL, PITR, SSE with KMS, "
        "deletion protection and tags; then a put/get/delete round trip that leaves "
        "nothing behind (skip it with --read-only). Exit 0 when nothing failed, 1 on "
        "any FAIL, 2 on a usage error.",
    )
    add_env_arguments(parser, default_env=None)
    parser.add_argument(
        "--read-only", action="store_true", help="skip the put/get/delete round trip"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    context = CommandContext.from_args(env=args.env, endpoint_url=args.endpoint_url)
    require_local_endpoint(context.endpoint_url)
    reports = verify_environment(context.client(), context.config, read_only=args.read_only)
    totals = Counter(check.status for report in reports for check in report.checks)
    failed = any(report.failed for report in reports)
    endpoint = context.endpoint_url or f"AWS {context.config.region}"
    if args.json:
        document = {
            "environment": context.config.name,
            "endpoint": endpoint,
            "ok": not failed,
            "totals": dict(totals),
            "tables": as_dict(reports),
        }
        print(json.dumps(document, indent=2))
        return EXIT_FAILURE if failed else EXIT_OK
    print(f"verify {context.config.name} at {endpoint}")
    width = max(len(check.name) for report in reports for check in report.checks)
    for report in reports:
        print(f"\n{report.table_name}")
        for check in report.checks:
            detail = f"  ({check.detail})" if check.detail else ""
            print(f"  {check.name:<{width}}  {LABELS[check.status]}{detail}")
    summary = ", ".join(f"{totals[status]} {LABELS[status]}" for status in LABELS)
    print(f"\n{summary}")
    print("FAILED: the environment does not match the catalog" if failed else "OK")
    return EXIT_FAILURE if failed else EXIT_OK

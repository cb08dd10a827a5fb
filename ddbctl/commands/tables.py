"""``ddbctl tables``: the catalog's tables and physical names for an environment."""

from __future__ import annotations

import argparse
import json

import catalog
from ddbctl.context import CommandContext
from ddbctl.parser import add_env_arguments
from ddbctl.render import aligned


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "tables",
        help="list the catalog's tables for an environment",
        description="List every catalog table with its physical name, keys and indexes.",
    )
    add_env_arguments(parser)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    context = CommandContext.from_args(env=args.env, endpoint_url=args.endpoint_url)
    rows = [
        {
            "key": spec.key,
            "application": spec.application,
            "table_name": context.table_name(spec),
            "partition_key": spec.partition_key.name,
            "sort_key": spec.sort_key.name if spec.sort_key else None,
            "indexes": [index.name for index in spec.global_indexes],
            "ttl": spec.ttl_attribute,
        }
        for spec in catalog.TABLES
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    lines = [
        [
            row["table_name"],
            row["partition_key"] + (f" + {row['sort_key']}" if row["sort_key"] else ""),
            "indexes: " + (", ".join(row["indexes"]) or "-"),
        ]
        for row in rows
    ]
    print(aligned(None, lines))
    return 0

"""``ddbctl seed``: write the catalog's sample data into an environment's tables."""

from __future__ import annotations

import argparse

from ddbctl.context import CommandContext
from ddbctl.endpoint import require_local_endpoint
from ddbctl.errors import CliError
from ddbctl.parser import add_env_arguments
from ddbctl.render import aligned
from ddbctl.seeding import SEEDING_ERRORS, refuse_unless_seedable, seed_environment


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "seed",
        help="write the catalog's sample data into an environment's tables",
        description="Upsert the sample items (catalog/samples/) into the environment's tables, "
        "through the same code the deployed seeder runs. Idempotent: keys are fixed. "
        "Every table's key schema is checked before the first write. Refuses prod, and any "
        "environment whose seed_sample_data is off.",
    )
    add_env_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    context = CommandContext.from_args(env=args.env, endpoint_url=args.endpoint_url)
    try:
        refuse_unless_seedable(context.config)  # before any endpoint is probed
        require_local_endpoint(context.endpoint_url)
        written = seed_environment(client=context.client(), config=context.config)
    except SEEDING_ERRORS as error:
        raise CliError(str(error)) from None
    rows = [[table_name, f"{count} item(s) upserted"] for table_name, count in written.items()]
    if rows:
        print(aligned(None, rows))
    print(f"seeded {sum(written.values())} item(s) into {len(written)} table(s)")
    return 0

"""``ddbctl query PATTERN name=value ...``: one of the catalog's named access patterns."""

from __future__ import annotations

import argparse

import catalog
from catalog import Operation
from ddbctl import access
from ddbctl.context import CommandContext
from ddbctl.endpoint import require_local_endpoint
from ddbctl.errors import EXIT_OK, CliError
from ddbctl.parser import OneLineParser, add_env_arguments, whole_number
from ddbctl.render import print_items, to_json


class _QueryParser(OneLineParser):
    """Accepts ``name=value`` words anywhere, also after options.

    argparse fills a ``nargs="*"`` positional at its first chance, so in
    ``query PATTERN --env dev id=1`` the ``id=1`` would be "unrecognized";
    here such leftovers join the parameters and only stray options stay errors.
    """

    def parse_known_args(self, args=None, namespace=None):
        namespace, extras = super().parse_known_args(args, namespace)
        words = [word for word in extras if not word.startswith("-")]
        namespace.words = [*(namespace.words or []), *words]
        return namespace, [word for word in extras if word.startswith("-")]


_positive = whole_number(minimum=1, says="invalid limit {text!r}: use a whole number above 0")


def _pattern_list() -> str:
    lines = ["patterns:"]
    for _name, (spec, pattern) in sorted(catalog.access_patterns().items()):
        where = spec.base_name + (f" / {pattern.index}" if pattern.index else "")
        lines.append(f"  {access.usage(pattern)}")
        lines.append(f"      {pattern.description} ({pattern.operation.value} {where})")
    return "\n".join(lines)


def register(subparsers: argparse._SubParsersAction) -> None:
    # The subparsers action builds every subcommand from one class; swap it for this one.
    default_class = subparsers._parser_class
    subparsers._parser_class = _QueryParser
    try:
        parser = subparsers.add_parser(
            "query",
            usage="ddbctl query PATTERN [NAME=VALUE ...] [--env ENV] [--endpoint-url URL] "
            "[--limit N] [--json]",
            help="run one of the catalog's named access patterns",
            description="Run a named access pattern (a GetItem or a paginated Query) "
            "against an environment's tables and print the items.",
            epilog=_pattern_list(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
    finally:
        subparsers._parser_class = default_class
    parser.add_argument(
        "words",
        nargs="*",
        metavar="PATTERN NAME=VALUE",
        help="a pattern name (listed below), then its parameters as name=value",
    )
    add_env_arguments(parser)
    parser.add_argument("--limit", type=_positive, metavar="N", help="stop after this many items")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    context = CommandContext.from_args(env=args.env, endpoint_url=args.endpoint_url)
    pattern_name, words = (args.words[0], args.words[1:]) if args.words else (None, [])
    prepared = access.prepare(pattern_name, words, table_name_of=context.table_name)
    require_local_endpoint(context.endpoint_url)
    client = context.client()
    try:
        items = list(access.run(client, prepared, limit=args.limit))
    except client.exceptions.ResourceNotFoundException:
        raise CliError(
            f"table {prepared.table_name} does not exist at "
            f"{context.endpoint_url or 'AWS ' + context.config.region}: deploy it with "
            f"`cdk deploy --context env={context.config.name}`, or run `ddbctl local up "
            f"--env {context.config.name}` for DynamoDB Local"
        ) from None
    if args.json:
        print(to_json(items))
        return EXIT_OK
    spec, pattern = prepared.spec, prepared.pattern
    keys = [spec.partition_key, spec.sort_key]
    sort_key = spec.sort_key
    if pattern.index:
        index = spec.index(pattern.index)
        keys = [index.partition_key, index.sort_key, *keys]
        sort_key = index.sort_key
    where = prepared.table_name + (f" / {pattern.index}" if pattern.index else "")
    order = ""
    if pattern.operation is Operation.QUERY and sort_key is None:
        order = ", in no particular order (no sort key)"  # DynamoDB gives no order here
    elif pattern.operation is Operation.QUERY:
        direction = "ascending" if pattern.scan_forward else "descending"
        order = f", {direction} by {sort_key.name}"
    print_items(
        items,
        first_columns=[key.name for key in keys if key is not None],
        title=f"{pattern.name}: {where}{order}",
    )
    return EXIT_OK

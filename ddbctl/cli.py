"""Entry point: builds the parser from each command module and maps errors to exit codes.

Each module in ``ddbctl.commands`` exposes ``register(subparsers)``, which adds
its subcommand and sets ``handler`` to a function ``(args) -> int``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from ddbctl.commands import COMMANDS
from ddbctl.errors import EXIT_FAILURE, CliError
from ddbctl.parser import OneLineParser


def build_parser() -> OneLineParser:
    parser = OneLineParser(
        prog="ddbctl",
        description="Operate the DynamoDB data layer: local DynamoDB, seed, query, "
        "verify, migrate.",
    )
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=OneLineParser
    )
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except CliError as error:
        print(f"ddbctl {args.command}: error: {error}", file=sys.stderr)
        return error.exit_code
    except NoCredentialsError:
        print(
            f"ddbctl {args.command}: error: no AWS credentials found; configure a profile, "
            "or pass --endpoint-url for DynamoDB Local",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    except (ClientError, BotoCoreError) as error:
        print(f"ddbctl {args.command}: error: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print(f"ddbctl {args.command}: interrupted", file=sys.stderr)
        return 130

"""Entry point: builds the parser from each command module and maps errors to exit codes.

Each module in ``ddbctl.commands`` exposes ``register(subparsers)``, which adds
its subcommand and sets ``handler`` to a function ``(args) -> int``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    ProfileNotFound,
)

from catalog.commands import roles_for
from ddbctl.commands import COMMANDS
from ddbctl.endpoint import is_loopback
from ddbctl.errors import EXIT_BROKEN_PIPE, EXIT_FAILURE, EXIT_INTERRUPTED, CliError
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
    try:
        args = build_parser().parse_args(argv)
    except KeyboardInterrupt:  # Ctrl-C before a command ran
        print("ddbctl: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    try:
        code = args.handler(args)
        sys.stdout.flush()  # a closed pipe surfaces here, not in the interpreter's exit
        return code
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
    except ProfileNotFound as error:
        print(
            f"ddbctl {args.command}: error: the AWS profile {error.kwargs.get('profile')!r} "
            "(from AWS_PROFILE) does not exist: set AWS_PROFILE to a profile in ~/.aws/config, "
            "or unset it (a local endpoint needs no credentials)",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    except EndpointConnectionError as error:
        url = error.kwargs.get("endpoint_url", "")
        fix = (
            "start DynamoDB Local with `make local`, or fix --endpoint-url"
            if is_loopback(url)
            else "check the network and the region, or pass --endpoint-url"
        )
        print(
            f"ddbctl {args.command}: error: cannot reach DynamoDB at {url} (after botocore's "
            f"retries): {fix}",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    except ClientError as error:
        print(
            f"ddbctl {args.command}: error: {error}{_role_hint(args.command, error)}",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    except BotoCoreError as error:
        print(f"ddbctl {args.command}: error: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print(f"ddbctl {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader (`| head`) went away. Point stdout at /dev/null so the
        # interpreter's final flush cannot raise again, and say what was cut.
        _silence_stdout()
        print(
            f"ddbctl {args.command}: output closed early (broken pipe): the rest was not "
            "printed; write it to a file instead of piping if you need all of it",
            file=sys.stderr,
        )
        return EXIT_BROKEN_PIPE


# What AWS answers when the caller's policy does not allow the call.
ACCESS_DENIED_CODES = frozenset({"AccessDeniedException", "AccessDenied", "UnauthorizedOperation"})


def _role_hint(command: str, error: ClientError) -> str:
    """For a denial: the role the docs name for ``command``, which holds what it calls."""
    if error.response.get("Error", {}).get("Code") not in ACCESS_DENIED_CODES:
        return ""
    roles = roles_for(command)
    if not roles:
        return ""
    named = " or ".join(f"the environment's {role} role" for role in roles)
    return f": run `ddbctl {command}` as {named} (docs/access.md lists each command's role)"


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout without a file descriptor (tests capture it)
        pass

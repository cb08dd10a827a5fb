"""argparse, made to report bad flags and values in one line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import NoReturn

from ddbctl.endpoint import endpoint_url_argument
from ddbctl.errors import EXIT_USAGE


class OneLineParser(argparse.ArgumentParser):
    """Prints ``ddbctl <cmd>: error: ... (see --help)`` instead of the usage block."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(EXIT_USAGE)


def add_env_arguments(parser: argparse.ArgumentParser, *, default_env: str | None = "dev") -> None:
    """``--env`` and ``--endpoint-url``, shared by every data-plane command."""
    parser.add_argument(
        "--env",
        choices=("dev", "staging", "prod"),
        default=default_env,
        required=default_env is None,
        help="environment whose tables to use (names and region come from cdk.json)"
        + (f"; default {default_env}" if default_env else ""),
    )
    parser.add_argument(
        "--endpoint-url",
        default=None,
        type=endpoint_url_argument,
        help="DynamoDB endpoint, e.g. http://127.0.0.1:8000 for DynamoDB Local "
        "(default: $AWS_ENDPOINT_URL_DYNAMODB, then AWS)",
    )


def whole_number(
    *, minimum: int, maximum: int | None = None, says: str = "must be a whole number {bounds}"
) -> Callable[[str], int]:
    """argparse ``type=``: a whole number in range, or a one-line usage error naming it.

    ``says`` is that error, a ``str.format`` template given ``text`` (what was typed) and
    ``bounds`` (``from 1 to 64``), for options whose own wording names the value."""
    bounds = f"of at least {minimum}" if maximum is None else f"from {minimum} to {maximum}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum or (maximum is not None and value > maximum):
            raise argparse.ArgumentTypeError(says.format(text=text, bounds=bounds))
        return value

    return parse

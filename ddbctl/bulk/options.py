"""``--via-s3`` and its companions, added to ``migrate-profiles``."""

from __future__ import annotations

import argparse

from ddbctl.bulk.location import location_argument
from ddbctl.bulk.operation import MIN_WRITE_UNITS, TIERS
from ddbctl.parser import whole_number

write_units = whole_number(minimum=MIN_WRITE_UNITS)


def add_via_s3_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--via-s3",
        type=location_argument,
        default=None,
        metavar="s3://BUCKET/PREFIX",
        help="stage the valid items in S3 and load them with DynamoDB's managed bulk put "
        "(StartBulkPutItems) instead of BatchWriteItem from this machine; S3's endpoint "
        "comes from $AWS_ENDPOINT_URL_S3, not --endpoint-url",
    )
    parser.add_argument(
        "--max-write-units",
        type=write_units,
        default=None,
        metavar="N",
        help=f"with --via-s3: the bulk put's write-rate cap (at least {MIN_WRITE_UNITS})",
    )
    parser.add_argument(
        "--tier",
        choices=sorted(TIERS),
        default="standard",
        help="with --via-s3: the bulk put's performance tier (default standard)",
    )
    parser.add_argument(
        "--stage-only",
        action="store_true",
        help="with --via-s3: stage and print the command that starts the load; start nothing",
    )


def require_consistent(args: argparse.Namespace) -> str | None:
    """Why these flags do not go together, or None."""
    if args.via_s3 is None:
        used = [
            flag
            for flag, value in (
                ("--max-write-units", args.max_write_units is not None),
                ("--tier", args.tier != "standard"),
                ("--stage-only", args.stage_only),
            )
            if value
        ]
        return f"{used[0]} needs --via-s3 s3://BUCKET/PREFIX" if used else None
    if args.dry_run:
        return "--dry-run writes nothing and --via-s3 stages in S3: drop one of them"
    if args.resume or args.checkpoint is not None:
        return (
            "--via-s3 keeps no checkpoint (a re-run uploads nothing already staged): "
            "drop --resume/--checkpoint"
        )
    return None

"""``ddbctl bulk status|cancel|list``: DynamoDB's managed bulk put operations, started by
``migrate-profiles --via-s3`` (or ``copy --via-s3``), seen and stopped from anywhere.

Exit codes: 0 ok (status: the operation completed without errors, or is still running);
1 failure (no such operation, or it ended with errors, failed or was cancelled); 2 usage.
"""

from __future__ import annotations

import argparse
import sys

from ddbctl.bulk.operation import describe, reattach_hint
from ddbctl.bulk.watch import status_line, watch
from ddbctl.context import CommandContext
from ddbctl.errors import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, CliError
from ddbctl.parser import add_env_arguments

UNSUCCESSFUL = frozenset({"COMPLETED_WITH_ERRORS", "CANCELLED", "FAILED"})


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bulk",
        help="status, cancel or list DynamoDB bulk put operations (--via-s3 loads)",
        description="DynamoDB's managed bulk put operations in the environment's account "
        "and region. ID is the operation's ARN, as `migrate-profiles --via-s3` prints it.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    status = actions.add_parser("status", help="show one operation (--watch: until it ends)")
    status.add_argument("id", metavar="ID", help="the bulk operation's ARN")
    status.add_argument("--watch", action="store_true", help="follow it until it ends")
    add_env_arguments(status)
    status.set_defaults(handler=run_status)
    cancel = actions.add_parser("cancel", help="cancel a running operation")
    cancel.add_argument("id", metavar="ID", help="the bulk operation's ARN")
    add_env_arguments(cancel)
    cancel.set_defaults(handler=run_cancel)
    listing = actions.add_parser("list", help="operations started in the last 90 days")
    add_env_arguments(listing)
    listing.set_defaults(handler=run_list)


def _client(args: argparse.Namespace):
    return CommandContext.from_args(env=args.env, endpoint_url=args.endpoint_url).client()


def run_status(args: argparse.Namespace) -> int:
    client = _client(args)
    if args.watch:
        try:
            operation = watch(client, args.id)
        except KeyboardInterrupt:
            print(
                f"ddbctl bulk: interrupted; {reattach_hint(args.id, env=args.env)}", file=sys.stderr
            )
            return EXIT_INTERRUPTED
    else:
        operation = describe(client, args.id)
    print(f"{args.id}: {status_line(operation)}")
    output = operation.get("OutputS3Configuration") or {}
    if operation.get("FailedItemCount") and output.get("S3Bucket"):
        print(
            f"error report: s3://{output['S3Bucket']}/{output.get('S3KeyPrefix', '')} (re-run "
            "the migrate-profiles --via-s3 command that started it to merge it into its "
            "rejects file)"
        )
    return EXIT_FAILURE if operation.get("BulkOperationStatus") in UNSUCCESSFUL else EXIT_OK


def run_cancel(args: argparse.Namespace) -> int:
    client = _client(args)
    try:
        answer = client.cancel_bulk_operation(BulkOperationArn=args.id)
    except client.exceptions.ResourceNotFoundException:
        raise CliError(
            f"no bulk operation {args.id}: check the ID (`ddbctl bulk list` shows the last 90 days)"
        ) from None
    print(
        f"{args.id}: {answer['BulkOperationStatus']}; items already written stay in the "
        f"table (`ddbctl bulk status {args.id} --env {args.env} --watch` follows it to the end)"
    )
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    client = _client(args)
    request: dict[str, str | int] = {"MaxResults": 25}
    shown = 0
    while True:
        page = client.list_bulk_operations(**request)
        for summary in page.get("BulkOperationsSummaryList", []):
            ended = summary.get("EndTime")
            print(
                f"{summary['BulkOperationArn']}  {summary['BulkOperationStatus']}  started "
                f"{summary['StartTime']:%Y-%m-%d %H:%M:%S}"
                + (f"  ended {ended:%Y-%m-%d %H:%M:%S}" if ended else "")
            )
            shown += 1
        if not page.get("NextToken"):
            break
        request["NextToken"] = page["NextToken"]
    if not shown:
        print("no bulk operations in the last 90 days")
    return EXIT_OK

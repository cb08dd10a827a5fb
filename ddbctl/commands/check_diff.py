"""``ddbctl check-diff``: the pull-request gate over one environment's ``cdk diff``.

It fails when the diff replaces, destroys or orphans a stateful resource, or
when ``check-changes`` (whose output and exit code it is handed) failed, and
writes the Markdown comment the diff workflow posts on the pull request.
A maintainer can accept a reviewed stateful change with ``--accept-stateful``
(the workflow passes it when the ``stateful-change-approved`` label is added).
The label accepts data-losing changes a reviewer chose; it never accepts a
change that fails the deploy (two GSIs at once, a TTL rename, a named table's
replacement), nor a check-changes run that could not run at all.

It fails closed: text that is not one complete ``cdk diff --all`` of the
environment's stacks (empty, cdk's own error, cut off, UTF-16, a stack
missing) is exit 2, and the comment says the gate could not judge it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ddbctl.errors import EXIT_FAILURE, EXIT_USAGE, CliError
from ddbctl.templates_input import load_config
from schema_lock.cdk_diff import StatefulChange, parse_cdk_diff
from schema_lock.diff_completeness import (
    IncompleteDiffError,
    check_complete,
    check_coverage,
    decode_diff,
)
from schema_lock.rules import FAILS_DEPLOY
from schema_lock.templates import expected_stack_names
from settings import ENVIRONMENT_NAMES, EnvironmentConfig

COMMENT_MARKER = "<!-- ddbctl cdk-diff {env} -->"
APPROVAL_LABEL = "stateful-change-approved"
# GitHub rejects comments over 65,536 characters; leave room for the summary.
MAX_DIFF_CHARS = 55_000
NO_REPORT = "no --schema-report"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check-diff",
        help="fail on stateful replacements or deletions in `cdk diff` output",
        description="Read one environment's `cdk diff` output, fail if it replaces, destroys "
        "or orphans a table, key, backup resource or bucket (or if check-changes failed), "
        "and optionally write the pull-request comment.",
    )
    parser.add_argument("diff_file", type=Path, help="captured `cdk diff --all` output")
    parser.add_argument("--env", required=True, choices=ENVIRONMENT_NAMES)
    parser.add_argument(
        "--schema-report",
        type=Path,
        help="captured output of `ddbctl check-changes` for the same environment",
    )
    parser.add_argument(
        "--schema-exit",
        type=int,
        default=0,
        help="exit code of that check-changes run (default 0)",
    )
    parser.add_argument("--comment", type=Path, help="write the PR comment (Markdown) here")
    parser.add_argument(
        "--accept-stateful",
        action="store_true",
        help=f"report but accept reviewed stateful changes (the {APPROVAL_LABEL} label)",
    )
    parser.set_defaults(handler=run)


def _read_bytes(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CliError(
            f"cannot read {what} {path}: {error.strerror}", exit_code=EXIT_USAGE
        ) from None


def _read(path: Path, what: str) -> str:
    # The check-changes report is only shown; an odd byte in it must not stop the gate.
    return _read_bytes(path, what).decode("utf-8", errors="replace")


def _read_diff(path: Path, config: EnvironmentConfig) -> str:
    """The diff's text, once it is proven to be a whole diff of ``config``'s stacks."""
    source = f"diff output {path}"
    try:
        diff = decode_diff(_read_bytes(path, "diff output"), source=source)
        shown = check_complete(diff, source=source)
        # Only now: the stack names come from the stack code, which imports CDK (seconds).
        check_coverage(shown, source=source, expected_stacks=expected_stack_names(config))
    except IncompleteDiffError as error:
        raise CliError(str(error), exit_code=EXIT_USAGE) from None
    return diff


def _comment_target(path: Path | None) -> Path | None:
    """``--comment``, checked before any work, so a bad path never costs the verdict."""
    if path is None:
        return None
    if path.is_dir():
        raise CliError(
            f"--comment {path} is a directory: name a file in it, e.g. {path / 'comment.md'}",
            exit_code=EXIT_USAGE,
        )
    if not path.parent.is_dir():
        raise CliError(
            f"--comment {path}: the directory {path.parent} does not exist: create it, or "
            "write the comment elsewhere",
            exit_code=EXIT_USAGE,
        )
    return path


def _write_comment(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise CliError(
            f"cannot write --comment {path}: {error.strerror}: write it elsewhere",
            exit_code=EXIT_USAGE,
        ) from None


def _fence(text: str) -> str:
    # A line of only backticks at least as long as the fence would close it early.
    fences = [line.strip() for line in text.splitlines() if set(line.strip()) == {"`"}]
    longest = max((len(fence) for fence in fences), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}\n{text.rstrip()}\n{ticks}"


def deploy_failures(schema_report: str | None, schema_exit: int) -> list[str]:
    """The check-changes lines no label may accept. A failed run without its report
    counts as one: what it found cannot be told apart."""
    if schema_exit == 0:
        return []
    if schema_report is None:
        return [NO_REPORT]
    return [line for line in schema_report.splitlines() if line.startswith(FAILS_DEPLOY)]


def render_comment(
    *,
    environment: str,
    diff: str,
    changes: list[StatefulChange],
    schema_report: str | None,
    schema_exit: int,
    accepted: bool,
) -> str:
    """The PR comment: verdict first, then the findings, then the full diff folded."""
    blocked = bool(changes) or schema_exit != 0
    acceptable = schema_exit in (0, EXIT_FAILURE) and not deploy_failures(
        schema_report, schema_exit
    )
    if not blocked:
        verdict = "no stateful resource is replaced or removed"
    elif accepted and acceptable:
        verdict = f"stateful changes accepted by the `{APPROVAL_LABEL}` label"
    else:
        verdict = "**blocked**: this would lose data or fail the deploy"
    lines = [
        COMMENT_MARKER.format(env=environment),
        f"### `cdk diff` for **{environment}**: {verdict}",
        "",
    ]
    if changes:
        lines += ["Stateful resources:", ""]
        lines += [f"- {change.line()}" for change in changes]
        lines.append("")
    if schema_report is not None:
        lines += [f"Schema lock (`check-changes`, exit {schema_exit}):", "", _fence(schema_report)]
        lines.append("")
    shown = diff if len(diff) <= MAX_DIFF_CHARS else diff[:MAX_DIFF_CHARS]
    note = "" if shown is diff else f" (first {MAX_DIFF_CHARS} of {len(diff)} characters)"
    lines += [
        f"<details><summary>Full diff{note}</summary>",
        "",
        _fence(shown),
        "",
        "</details>",
    ]
    return "\n".join(lines) + "\n"


def render_refusal(*, environment: str, problem: str) -> str:
    """The PR comment when there is no diff to judge: it replaces an earlier verdict."""
    return "\n".join(
        [
            COMMENT_MARKER.format(env=environment),
            f"### `cdk diff` for **{environment}**: **blocked**: no complete diff to judge",
            "",
            problem,
            "",
        ]
    )


def run(args: argparse.Namespace) -> int:
    comment = _comment_target(args.comment)
    try:
        diff = _read_diff(args.diff_file, load_config(args.env))
        schema_report = (
            _read(args.schema_report, "check-changes output") if args.schema_report else None
        )
    except CliError as error:
        if comment:
            _write_comment(comment, render_refusal(environment=args.env, problem=str(error)))
        raise
    changes = parse_cdk_diff(diff)
    failing = deploy_failures(schema_report, args.schema_exit)
    if comment:
        _write_comment(
            comment,
            render_comment(
                environment=args.env,
                diff=diff,
                changes=changes,
                schema_report=schema_report,
                schema_exit=args.schema_exit,
                accepted=args.accept_stateful,
            ),
        )
    accepting = args.accept_stateful and not failing
    for change in changes:
        print(f"{'accepted' if accepting else 'UNSAFE'} [{args.env}] {change.line()}")
    if args.schema_exit not in (0, EXIT_FAILURE):
        raise CliError(
            f"check-changes could not run (exit {args.schema_exit}): fix the error it printed",
            exit_code=EXIT_FAILURE,
        )
    if args.accept_stateful and failing == [NO_REPORT]:
        raise CliError(
            f"check-changes failed in {args.env} and --schema-report was not given, so the "
            f"{APPROVAL_LABEL} label cannot tell a reviewed change from one that fails the "
            "deploy: pass --schema-report",
            exit_code=EXIT_FAILURE,
        )
    if args.accept_stateful and failing:
        raise CliError(
            f"{len(failing)} change(s) in {args.env} would fail the deploy, which the "
            f"{APPROVAL_LABEL} label cannot accept: follow check-changes' safe path",
            exit_code=EXIT_FAILURE,
        )
    if accepting:
        return 0
    if changes:
        raise CliError(
            f"{len(changes)} stateful resource(s) replaced or removed in {args.env}: split the "
            f"change as check-changes says, or have a maintainer add the {APPROVAL_LABEL} label",
            exit_code=EXIT_FAILURE,
        )
    if args.schema_exit:
        raise CliError(
            f"check-changes found unsafe table changes in {args.env}: follow its safe paths",
            exit_code=EXIT_FAILURE,
        )
    print(f"ok [{args.env}] no stateful resource is replaced or removed")
    return 0

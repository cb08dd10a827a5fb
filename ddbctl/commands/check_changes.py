"""``ddbctl check-changes``: stop table changes that would fail a deploy or lose data.

Compares the synthesized templates with the committed schema lock
(``table-locks/<env>.json``). Exit 0 when every change is allowed (it says
what each will do), 1 on any unsafe change (each line names the safe
multi-step path) or, with ``--strict`` or ``--baseline-ref``, on a lock that
does not match the templates, 2 on a usage problem or a missing lock.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
from pathlib import Path

from ddbctl.errors import EXIT_FAILURE, EXIT_USAGE, CliError
from ddbctl.templates_input import add_cdk_out_argument, load_config, load_templates
from schema_lock.identity import TableIdentity, table_identities
from schema_lock.lockfile import (
    LOCK_DIR,
    PREVIOUS_LOCK_DIR_NAME,
    PROJECT_ROOT,
    LockError,
    LockUnreadableError,
    lock_path,
    parse_lock,
    read_lock,
    write_lock,
)
from schema_lock.rules import Finding, compare
from settings import ENVIRONMENT_NAMES, EnvironmentConfig

# A branch, tag, SHA or revision expression (HEAD^1, origin/main~2, @{u}); never an
# option (a leading "-") and never a path (":"), since it is joined to one for git show.
_GIT_REF = re.compile(r"[A-Za-z0-9_@][A-Za-z0-9._/@{}~^+-]*", re.ASCII)


def git_ref_argument(value: str) -> str:
    """argparse ``type=`` for --baseline-ref: a ref, or a one-line usage error."""
    if not _GIT_REF.fullmatch(value):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a git ref: use a branch, tag or commit such as HEAD^1 or origin/main"
        )
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check-changes",
        help="fail on table changes that would replace a table or fail the deploy",
        description="Compare the synthesized templates with the schema lock "
        "(table-locks/<env>.json) and fail, naming the safe multi-step path, on a change "
        "that would replace a table, add or remove more than one GSI at once, change a GSI "
        "in place, rename TTL in one step, or drop a staging or prod table.",
    )
    parser.add_argument(
        "--env",
        action="append",
        choices=ENVIRONMENT_NAMES,
        help="environment to check; repeat for several (default: all)",
    )
    add_cdk_out_argument(parser)
    parser.add_argument(
        "--lock-dir",
        type=Path,
        default=LOCK_DIR,
        help="where the <env>.json locks live (default: table-locks/)",
    )
    parser.add_argument(
        "--baseline-ref",
        metavar="REF",
        type=git_ref_argument,
        help="judge the changes against the locks at git REF (a pull request's base) and "
        "require the working-tree locks to match the templates",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="also fail when allowed changes are not recorded in the lock yet (what `make "
        "test` and CI run: the lock must always describe the branch)",
    )
    parser.add_argument(
        "--update-lock",
        action="store_true",
        help="rewrite the locks from the templates (what `make lock` runs, after review)",
    )
    parser.set_defaults(handler=run)


def _environments(requested: list[str] | None) -> list[EnvironmentConfig]:
    names = list(dict.fromkeys(requested or ENVIRONMENT_NAMES))
    return [load_config(name) for name in names]


def _git_lock(ref: str, lock_dir: Path, environment: str) -> dict[str, TableIdentity]:
    """The lock as committed at ``ref``; empty when the lock did not exist there yet."""
    git = shutil.which("git")
    if git is None:
        raise CliError("--baseline-ref needs git on PATH", exit_code=EXIT_USAGE)
    paths = [f"./{environment}.json"]
    if lock_dir.name == LOCK_DIR.name:  # a base from before the rename keeps it there
        paths.append(f"../{PREVIOUS_LOCK_DIR_NAME}/{environment}.json")
    for path in paths:
        # A fixed command plus a validated ref and a path, never a shell string; and
        # --end-of-options, so even a ref that looked like an option could not be one.
        result = subprocess.run(  # noqa: S603
            [git, "show", "--end-of-options", f"{ref}:{path}"],
            cwd=lock_dir,
            capture_output=True,
            text=True,
            check=False,
        )
        missing = "does not exist in" in result.stderr or "exists on disk, but not in" in (
            result.stderr
        )
        if not missing:
            break
    if result.returncode != 0:
        if missing:
            print(f"note [{environment}]: {ref} has no lock yet; every table counts as new")
            return {}
        raise CliError(
            f"cannot read the lock at git ref {ref!r} ({result.stderr.strip()}): fetch the "
            "base branch first (actions/checkout with fetch-depth: 0)",
            exit_code=EXIT_USAGE,
        )
    try:
        return parse_lock(
            result.stdout, source=f"{ref}:{path.removeprefix('./')}", environment=environment
        )
    except LockError as error:
        raise CliError(str(error), exit_code=EXIT_USAGE) from None


def _judge(
    config: EnvironmentConfig,
    locked: dict[str, TableIdentity],
    current: dict[str, TableIdentity],
) -> list[Finding]:
    return compare(
        environment=config.name,
        locked=locked,
        current=current,
        protected=config.protected,
        retains_tables=config.removal_policy == "retain",
    )


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _update(
    configs: list[EnvironmentConfig],
    current: dict[str, dict[str, TableIdentity]],
    lock_dir: Path,
) -> int:
    for config in configs:
        path = lock_path(lock_dir, config.name)
        try:
            previous = read_lock(path, config.name)
        except LockUnreadableError as error:
            raise CliError(str(error), exit_code=EXIT_USAGE) from None
        except LockError:  # missing or not a valid lock: regenerating it is the fix
            previous = {}
        for finding in _judge(config, previous, current[config.name]):
            print(f"recorded: {finding.line()}")
        try:
            changed = write_lock(path, config.name, current[config.name])
        except OSError as error:
            raise CliError(
                f"cannot write {path}: {error.strerror}: fix its permissions or --lock-dir",
                exit_code=EXIT_FAILURE,
            ) from None
        state = "updated" if changed else "unchanged"
        print(f"{_relative(path)}: {state} ({len(current[config.name])} tables)")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.update_lock and args.baseline_ref:
        raise CliError(
            "--update-lock and --baseline-ref do not combine: run them separately",
            exit_code=EXIT_USAGE,
        )
    if args.lock_dir.exists() and not args.lock_dir.is_dir():
        raise CliError(
            f"--lock-dir {args.lock_dir} is a file, not a directory: point it at the directory "
            "that holds <env>.json (default table-locks/)",
            exit_code=EXIT_USAGE,
        )
    configs = _environments(args.env)
    templates = load_templates(configs, args.cdk_out)
    current = {config.name: table_identities(templates[config.name]) for config in configs}
    if args.update_lock:
        return _update(configs, current, args.lock_dir)

    unsafe = allowed = 0
    stale: list[str] = []
    for config in configs:
        path = lock_path(args.lock_dir, config.name)
        try:
            working = read_lock(path, config.name)
        except LockError as error:
            raise CliError(str(error), exit_code=EXIT_USAGE) from None
        if args.baseline_ref:
            baseline = _git_lock(args.baseline_ref, args.lock_dir, config.name)
        else:
            baseline = working
        if (args.baseline_ref or args.strict) and working != current[config.name]:
            stale.append(_relative(path))
        findings = _judge(config, baseline, current[config.name])
        for finding in findings:
            print(finding.line())
        if not findings:
            print(f"ok [{config.name}] {len(current[config.name])} tables match the lock")
        unsafe += sum(finding.unsafe for finding in findings)
        allowed += sum(not finding.unsafe for finding in findings)

    if unsafe:
        raise CliError(
            f"{unsafe} unsafe table change(s): follow the safe path on each UNSAFE line",
            exit_code=EXIT_FAILURE,
        )
    if stale:
        raise CliError(
            f"the lock is out of date ({', '.join(stale)}): run `make lock` and commit it",
            exit_code=EXIT_FAILURE,
        )
    if allowed and not args.baseline_ref:
        print("allowed changes: after review, record them with `make lock` and commit table-locks/")
    # Without --strict, a lock behind the templates passes: the changes above are allowed.
    return 0

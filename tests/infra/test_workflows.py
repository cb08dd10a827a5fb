"""The GitHub Actions workflows: they parse, pin every action, and call only what exists.

GitHub is not reachable from here, so the workflows never run in this suite;
what can be proven offline is proven: YAML structure, SHA pins with release
comments, every `make` target and `ddbctl` command they call, the diff
workflow's permissions and gate, and actionlint's checks.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ddbctl.cli import build_parser
from ddbctl.commands.check_diff import APPROVAL_LABEL, COMMENT_MARKER
from settings import ENVIRONMENT_NAMES

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))
PINNED = re.compile(r"^(?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40})$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<comment>\s+#.*)?$")
RELEASE_COMMENT = re.compile(r"^\s+# (?P<version>v\d+\.\d+\.\d+)$")


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the bare key `on` as the boolean True.
    return workflow.get("on", workflow.get(True))


def steps(workflow: dict):
    for job in workflow["jobs"].values():
        yield from job.get("steps", [])


def makefile_targets() -> set[str]:
    targets = set()
    for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+(?:[ \t]+[A-Za-z0-9_.-]+)*)[ \t]*:(?!=)", line)
        if match:
            targets.update(match.group(1).split())
    return targets


def make_targets_called(script: str) -> list[str]:
    called = []
    for match in re.finditer(r"(?:^|[;&|(]\s*)make\s+([^\n;&|#]*)", script, re.MULTILINE):
        words = shlex.split(match.group(1))
        called += [w for w in words if "=" not in w and not w.startswith("-")]
    return called


def ddbctl_commands() -> set[str]:
    action = next(a for a in build_parser()._actions if a.dest == "command")
    return set(action.choices)


def test_ci_and_diff_workflows_exist():
    assert {path.name for path in FILES} >= {"ci.yml", "diff.yml"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_workflow_parses(path):
    workflow = load(path)
    assert workflow["name"]
    assert triggers(workflow)
    assert all(job["runs-on"] and job["steps"] for job in workflow["jobs"].values())


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_release(path):
    used = [step["uses"] for step in steps(load(path)) if "uses" in step]
    assert used
    for ref in used:
        assert PINNED.match(ref), f"{path.name}: {ref} is not pinned to a 40-hex commit SHA"
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := USES_LINE.match(line):
            comment = match.group("comment") or ""
            assert RELEASE_COMMENT.match(comment), f"{path.name}: {line.strip()} needs # vX.Y.Z"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_make_target_and_ddbctl_command_exists(path):
    targets, commands = makefile_targets(), ddbctl_commands()
    for step in steps(load(path)):
        script = step.get("run", "")
        for target in make_targets_called(script):
            assert target in targets, f"{path.name} calls `make {target}`: no such target"
        for command in re.findall(r"bin/ddbctl\s+([\w-]+)", script):
            assert command in commands, f"{path.name} calls `ddbctl {command}`: no such command"


def test_make_target_parser_is_not_fooled():
    assert make_targets_called('make synth ENVIRONMENTS="$ENV_NAME"\nmake -j2 lint') == [
        "synth",
        "lint",
    ]
    assert {"setup", "test", "lint", "synth", "lock"} <= makefile_targets()
    assert "SHELL" not in makefile_targets()


def makefile_rule(target: str) -> str:
    """The prerequisites line and recipe of one Makefile rule."""
    text = (ROOT / "Makefile").read_text()
    match = re.search(rf"^{re.escape(target)}:(.*?)(?=^\S|\Z)", text, flags=re.M | re.S)
    assert match, f"no {target} rule in the Makefile"
    return match.group(1)


def test_ci_runs_setup_lint_and_tests_which_synth_and_scan():
    workflow = load(WORKFLOWS / "ci.yml")
    assert set(triggers(workflow)) == {"push", "pull_request"}
    called = [t for step in steps(workflow) for t in make_targets_called(step.get("run", ""))]
    assert called == ["setup", "lint", "test"]
    assert workflow["permissions"] == {"contents": "read"}
    # `make test` is what .ci/run calls too: it must run every tier, check the lock and
    # scan the synth.
    (goals,) = [line.split() for line in makefile_rule("test").splitlines() if "$(MAKE)" in line]
    assert {"unit", "infra", "integration", "gates"} <= set(goals)
    gates = makefile_rule("gates").splitlines()
    # The lock check, budget and scan read the assemblies the infra tier has just written
    # as `cdk synth` does (tests/infra/test_cdk_synth_cli.py).
    assert "infra" in gates[0].split()
    lines = [line.strip() for line in gates[1:]]
    order = [
        next(i for i, line in enumerate(lines) if needle in line)
        for needle in (
            "-m ddbctl check-changes --strict",
            "-m ddbctl cost --check-budget",
            "scan.sh",
        )
    ]
    assert order == sorted(order)
    for tier in ("unit", "infra", "integration"):
        assert f"tests/{tier}" in makefile_rule(tier)
    assert "synth" in makefile_rule("scan").splitlines()[0]


def test_ci_judges_pull_requests_against_the_base_lock_without_credentials():
    """diff.yml skips pull requests from forks (no OIDC there); ci.yml must still judge
    their table changes against the base branch's lock, or `make lock` could hide one."""
    workflow = load(WORKFLOWS / "ci.yml")
    [checkout] = [step for step in steps(workflow) if "actions/checkout" in step.get("uses", "")]
    assert checkout["with"]["fetch-depth"] == 0
    [check] = [step for step in steps(workflow) if "--baseline-ref" in step.get("run", "")]
    assert check["if"] == "github.event_name == 'pull_request'"
    assert "check-changes --cdk-out 'cdk.out.{env}' --baseline-ref HEAD^1" in check["run"]
    assert all(
        "id-token" not in str(job.get("permissions", "")) for job in workflow["jobs"].values()
    )


def test_diff_workflow_contract():
    workflow = load(WORKFLOWS / "diff.yml")
    assert set(triggers(workflow)) == {"pull_request"}
    assert "labeled" in triggers(workflow)["pull_request"]["types"]
    assert workflow["permissions"] == {"contents": "read"}
    job = workflow["jobs"]["diff"]
    assert job["permissions"] == {
        "contents": "read",
        "id-token": "write",
        "pull-requests": "write",
    }
    assert job["strategy"]["matrix"]["env"] == list(ENVIRONMENT_NAMES)
    by_action = {step["uses"].split("@")[0]: step for step in job["steps"] if "uses" in step}
    aws = by_action["aws-actions/configure-aws-credentials"]["with"]
    assert aws["role-to-assume"] == "${{ vars.AWS_DIFF_ROLE_ARN }}"
    scripts = "\n".join(step.get("run", "") for step in job["steps"])
    assert 'cdk diff --app "cdk.out.$ENV_NAME" --all' in scripts
    assert "--baseline-ref HEAD^1" in scripts  # the merge commit's base, not a stale sha
    assert "bin/ddbctl check-diff" in scripts
    gate = next(s for s in job["steps"] if "check-diff" in s.get("run", ""))
    assert f"'{APPROVAL_LABEL}'" in gate["env"]["ACCEPT"]
    # An approval is for the commits it was given for: a push neither uses it ...
    assert "github.event.action != 'synchronize' &&" in gate["env"]["ACCEPT"]
    # ... nor keeps it.
    revoke = workflow["jobs"]["revoke-approval"]
    assert "github.event.action == 'synchronize'" in revoke["if"]
    assert revoke["permissions"] == {"pull-requests": "write"}
    (remove,) = revoke["steps"]
    assert "removeLabel" in remove["with"]["script"]
    assert f"name: '{APPROVAL_LABEL}'" in remove["with"]["script"]
    post = by_action["actions/github-script"]
    assert post["env"]["MARKER"] == COMMENT_MARKER.format(env="${{ matrix.env }}")
    assert "!cancelled()" in post["if"]  # the comment is posted even when the gate fails
    names = [step.get("name", step.get("uses", "")) for step in job["steps"]]
    assert names.index(gate["name"]) < names.index(post["name"])


def actionlint() -> Path:
    binary = Path(sys.executable).parent / "actionlint"
    if not binary.exists():
        pytest.fail(
            "actionlint is missing: run `make setup` (it is pinned in requirements-dev.txt)"
        )
    return binary


def test_actionlint_passes():
    result = subprocess.run(
        [str(actionlint()), "-no-color", *map(str, FILES)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_passes_on_the_released_versions(tmp_path):
    """actionlint knows actions by tag, not SHA: check each pin's major release too.

    That catches inputs the pinned release does not have and runtimes GitHub has
    deprecated (node20), which a SHA alone hides from it.
    """
    copies = tmp_path / ".github" / "workflows"
    copies.mkdir(parents=True)
    for path in FILES:
        text = re.sub(r"@[0-9a-f]{40} # (v\d+)\.\d+\.\d+", r"@\1", path.read_text(encoding="utf-8"))
        assert not re.search(r"@[0-9a-f]{40}", text)
        (copies / path.name).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [str(actionlint()), "-no-color", *map(str, sorted(copies.glob("*.yml")))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "name: broken\non: pull_request\npermissions:\n  id-tokens: write\njobs:\n  a:\n"
        "    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ foo.bar }}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [str(actionlint()), "-no-color", str(broken)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert 'unknown permission scope "id-tokens"' in result.stdout
    assert 'undefined variable "foo"' in result.stdout


def test_restore_drill_workflow_contract():
    """Monthly and on demand; OIDC like diff.yml, then the environment's recovery-operator
    role; the drill runs on every table, and its report is kept even when it fails."""
    workflow = load(WORKFLOWS / "restore-drill.yml")
    assert set(triggers(workflow)) == {"schedule", "workflow_dispatch"}
    assert triggers(workflow)["workflow_dispatch"]["inputs"]["environment"]["options"] == list(
        ENVIRONMENT_NAMES
    )
    assert workflow["permissions"] == {"contents": "read"}
    job = workflow["jobs"]["drill"]
    assert job["permissions"] == {"contents": "read", "id-token": "write"}
    assert job["environment"] == "${{ matrix.env }}"
    credentials = [
        step["with"]
        for step in job["steps"]
        if step.get("uses", "").startswith("aws-actions/configure-aws-credentials@")
    ]
    assert [c["role-to-assume"] for c in credentials] == [
        "${{ vars.AWS_DRILL_ROLE_ARN }}",
        "${{ vars.RECOVERY_OPERATOR_ROLE_ARN }}",
    ]
    assert credentials[1]["role-chaining"] is True
    (drill,) = [step for step in job["steps"] if "--drill" in step.get("run", "")]
    script = drill["run"].replace("\\\n", " ").replace("$ENV_NAME", "prod")
    command = shlex.split(script)
    assert command[0] == ".venv/bin/ddbctl"
    arguments = build_parser().parse_args(command[1:])
    assert (arguments.command, arguments.drill, arguments.all, arguments.yes) == (
        "restore",
        True,
        True,
        True,
    )
    keep = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact"))
    assert "!cancelled()" in keep["if"]
    assert keep["with"]["path"] == "restore-drill-${{ matrix.env }}.json"


def test_diff_comment_gains_the_fixed_cost_change_from_templates_alone():
    """Base and head are both synthesized here and priced by `ddbctl cost`; the change is
    appended to the comment even when the gate fails, and needs no AWS credentials."""
    job = load(WORKFLOWS / "diff.yml")["jobs"]["diff"]
    names = [step.get("name", step.get("uses", "")) for step in job["steps"]]
    (cost,) = [s for s in job["steps"] if "bin/ddbctl cost" in s.get("run", "")]
    script = cost["run"]
    assert "git worktree add --detach base HEAD^1" in script
    assert '--cdk-out "cdk.out.$ENV_NAME"' in script
    assert '--baseline-cdk-out "cdk.out.base.$ENV_NAME"' in script
    assert '> "cost-$ENV_NAME.md"' in script
    (credentials,) = [
        name for name in names if name.startswith("aws-actions/configure-aws-credentials")
    ]
    assert names.index(cost["name"]) < names.index(credentials)
    (append,) = [s for s in job["steps"] if '>> "comment-$ENV_NAME.md"' in s.get("run", "")]
    assert "!cancelled()" in append["if"] and "cost-{0}.md" in append["if"]
    gate = next(s for s in job["steps"] if "check-diff" in s.get("run", ""))
    post = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/github-script"))
    post_name = post.get("name", post["uses"])
    assert names.index(gate["name"]) < names.index(append["name"]) < names.index(post_name)

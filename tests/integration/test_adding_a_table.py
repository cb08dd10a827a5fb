"""The adding-a-table checklist, walked: a new table breaks only what its commands regenerate.

A copy of the repository gets one new table (with a GSI, a TTL and an access
pattern), one grant and one sample item, as three edits to catalog files and no
edit to any test. Its suite must then fail only on the generated files, each
failure naming the command that regenerates it; after those commands it passes.

Slow (two runs of the suite in the copy), so it is marked ``walkthrough``: the
normal run deselects it and ``make walkthrough`` runs it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.walkthrough

TABLE_KEY = "trade-exceptions"
INDEX = "session-index"

# Step 1 of the checklist: the table, in its application's catalog module.
TABLE_SPEC = f'''
EXCEPTIONS_BY_SESSION = GlobalIndex(
    "{INDEX}",
    KeyAttribute("sessionId", AttributeType.STRING),
    KeyAttribute("raisedAt", AttributeType.STRING),
)

TRADE_EXCEPTIONS = TableSpec(
    key="{TABLE_KEY}",
    construct_id="TradeExceptions",
    base_name="{TABLE_KEY}",
    application=APPLICATION,
    partition_key=KeyAttribute("exceptionId", AttributeType.STRING),
    global_indexes=(EXCEPTIONS_BY_SESSION,),
    ttl_attribute="expiresAt",
    access_patterns=(
        AccessPattern.equality(
            on=EXCEPTIONS_BY_SESSION,
            name="exceptions-by-session",
            description="The exceptions one workflow session raised, oldest first",
        ),
    ),
)

'''

# Step 2: a grant for a consumer that already exists.
GRANTS = f'''
        Grant(
            "{TABLE_KEY}",
            ("dynamodb:PutItem",),
            reason="records an exception a trade-matching agent raises",
        ),
        Grant(
            "{TABLE_KEY}",
            ("dynamodb:Query",),
            index="{INDEX}",
            reason="lists one session's exceptions",
        ),'''

# Step 3: a sample item.
SAMPLE = f'''    "{TABLE_KEY}": (
        {{
            "exceptionId": "test-exception-1",
            "sessionId": SESSION_ID,
            "raisedAt": "2025-12-24T12:00:30Z",
            "reason": "counterparty confirmation not found",
            "expiresAt": NEVER_EXPIRES,
        }},
    ),
'''

# The only tests a new table may fail before regenerating, and the command each must name.
REGENERATED_BY = {
    "tests.infra.test_snapshots": "make update-snapshots",
    "tests.infra.test_schema_lock_files": "make lock",
    "tests.unit.test_docs_fresh": "make docs",
}
# The Makefile targets that regenerate those files, in the checklist's order.
REGENERATE = ("lock", "update-snapshots", "docs")


def replace_once(path: Path, old: str, new: str) -> None:
    """Edit a catalog file as a person would; an anchor that moved fails loudly, here."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name}: the walkthrough's anchor {old!r} moved"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_table(copy: Path) -> None:
    module = copy / "catalog" / "trade_matching.py"
    text = module.read_text(encoding="utf-8")
    (imported,) = re.findall(r"^from catalog\.model import (.+)$", text, flags=re.MULTILINE)
    names = sorted({*imported.split(", "), "GlobalIndex"})
    replace_once(module, imported, ", ".join(names))
    replace_once(module, "\nTABLES = (", f"{TABLE_SPEC}TABLES = (TRADE_EXCEPTIONS, ")

    consumers = copy / "catalog" / "consumers.py"
    text = consumers.read_text(encoding="utf-8")
    start = text.index('id="trade-matching-orchestrator",')
    grants = text.index("grants=(", start) + len("grants=(")
    consumers.write_text(text[:grants] + GRANTS + text[grants:], encoding="utf-8")

    replace_once(
        copy / "catalog" / "samples" / "trade_matching.py", "SAMPLES = {", "SAMPLES = {\n" + SAMPLE
    )


def copy_repository(target: Path) -> Path:
    """The tracked and not-ignored files, with the installed tools linked, not copied."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    for tool in (".venv", "node_modules", ".venv-scan"):
        if (ROOT / tool).exists():
            (target / tool).symlink_to(ROOT / tool)
    # Some tests read the repository's history; give the copy one commit.
    for argv in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "copy"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *argv],
            cwd=target,
            check=True,
            capture_output=True,
        )
    return target


def environment_for(copy: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    # xdist workers must collect the same ids; a set in a parameter id depends on the hash seed.
    env["PYTHONHASHSEED"] = "0"
    env.pop("DDBCTL_STATE_DIR", None)  # the copy's own fixtures choose it
    env["PATH"] = os.pathsep.join(
        [str(copy / "node_modules" / ".bin"), str(copy / ".venv" / "bin"), env["PATH"]]
    )
    return env


def run_suite(copy: Path, report: Path) -> dict[str, str]:
    """``{test id: failure text}`` for every failed or erroring test of the copy's suite."""
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2",
         f"--junitxml={report}", "tests"],
        cwd=copy,
        env=environment_for(copy),
        capture_output=True,
        check=False,
        timeout=1800,
    )  # fmt: skip
    failures = {}
    # The report is the one this run's own pytest just wrote, not outside input.
    for case in ET.parse(report).iter("testcase"):  # noqa: S314
        for problem in (*case.iter("failure"), *case.iter("error")):
            test_id = f"{case.get('classname')}::{case.get('name')}"
            failures[test_id] = f"{problem.get('message', '')}\n{problem.text or ''}"
    return failures


def run_in(copy: Path, argv: list[str]) -> subprocess.CompletedProcess[str]:
    """One command in the copy, with its own tools on PATH; the caller judges the result."""
    return subprocess.run(
        argv,
        cwd=copy,
        env=environment_for(copy),
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def make(copy: Path, target: str) -> None:
    """The Makefile's own recipe, without reinstalling into the linked environments."""
    result = run_in(
        copy,
        ["make", "--no-print-directory", "-o", ".venv/.installed", "-o", "node_modules/.installed",
         target],
    )  # fmt: skip
    assert result.returncode == 0, f"make {target}:\n{result.stdout}\n{result.stderr}"


def lock_check(copy: Path) -> subprocess.CompletedProcess[str]:
    """The lock check `make test` runs after the suite, on templates synthesized in-process."""
    return run_in(copy, [sys.executable, "-m", "ddbctl", "check-changes", "--strict"])


def module_of(test_id: str) -> str:
    return test_id.split("::")[0]


def test_a_new_table_fails_only_on_regeneration_and_passes_after_it(tmp_path):
    copy = copy_repository(tmp_path / "repo")
    add_table(copy)

    before = run_suite(copy, tmp_path / "before.xml")
    unexpected = sorted(t for t in before if module_of(t) not in REGENERATED_BY)
    assert unexpected == [], "\n\n".join(f"{t}\n{before[t]}" for t in unexpected)
    assert {module_of(t) for t in before} == set(REGENERATED_BY), sorted(before)
    for test_id, text in before.items():
        assert REGENERATED_BY[module_of(test_id)] in text, f"{test_id} does not name its fix"

    stale = lock_check(copy)
    assert stale.returncode == 1, stale.stderr
    assert stale.stderr.endswith("run `make lock` and commit it\n"), stale.stderr

    for target in REGENERATE:
        make(copy, target)
    after = run_suite(copy, tmp_path / "after.xml")
    assert after == {}, "\n\n".join(f"{t}\n{text}" for t, text in after.items())
    fresh = lock_check(copy)
    assert fresh.returncode == 0, fresh.stderr

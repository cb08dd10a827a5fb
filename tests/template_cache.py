"""Each environment's templates, synthesized once per source tree and shared by processes.

The infra tier synthesizes in memory (it needs the construct tree) and leaves the
templates here; the integration tier's workers need only the templates, so they read
them instead of starting a jsii kernel and synthesizing again. A digest of every file
a template depends on names the entry, so an edit is never served a stale template.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from tests.conftest import ROOT
from tests.shared_files import locked, write_atomically

CACHE_DIR = ROOT / ".pytest_cache" / "ddb-templates"
# What a synthesized template depends on; the pins cover aws-cdk-lib and cdk-nag.
SOURCES = ("app.py", "cdk.json", "requirements.txt", "package-lock.json")
SOURCE_PACKAGES = (
    "catalog",
    "cdk_constructs",
    "compliance",
    "ddbio",
    "lambda",
    "settings",
    "stacks",
)

Templates = dict[str, dict[str, Any]]


@functools.cache
def source_digest() -> str:
    """Computed once per process: every entry a process reads or writes is for the tree
    as it was when the process first asked (tests never edit this checkout's sources)."""
    digest = hashlib.sha256()
    files = [ROOT / name for name in SOURCES]
    for package in SOURCE_PACKAGES:
        files += (
            path
            for path in (ROOT / package).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        )
    for path in sorted(files):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:20]


def _entry(environment: str) -> Path:
    return CACHE_DIR / source_digest() / f"{environment}.json"


def _locked() -> AbstractContextManager[None]:
    """One process synthesizes a missing entry while the others wait for it."""
    return locked(CACHE_DIR / ".lock")


def _write(environment: str, templates: Templates) -> None:
    entry = _entry(environment)
    entry.parent.mkdir(parents=True, exist_ok=True)
    for stale in CACHE_DIR.iterdir():  # entries for trees that no longer exist
        if stale.is_dir() and stale != entry.parent:
            shutil.rmtree(stale, ignore_errors=True)
    write_atomically(entry, json.dumps(templates).encode("utf-8"))


def store(environment: str, templates: Templates) -> None:
    with _locked():
        _write(environment, templates)


def load_or_build(environment: str, *, build: Callable[[], Templates]) -> Templates:
    with _locked():
        entry = _entry(environment)
        if entry.is_file():
            return json.loads(entry.read_text(encoding="utf-8"))
        templates = build()
        _write(environment, templates)
        return templates

"""app.py's ``main()`` run in this process, on the context the CDK CLI would hand it.

The CLI starts app.py in a child process and passes the context in CDK_CONTEXT_JSON,
which the jsii kernel reads once, when it starts. In a process whose kernel already
runs (the infra tier's), the context goes to the App that ``main()`` makes instead.
Only the infra tier uses it: app.py imports aws_cdk, which starts a kernel.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from settings import synth_context

# What `cdk synth` adds to cdk.json's context and --context. It also sets
# @aws-cdk/core:failSynthOnValidationErrors to false and fails on the validation report
# itself; left at its default here, synth raises on the same findings.
CLI_CONTEXT = {
    "aws:cdk:enable-path-metadata": True,
    "aws:cdk:enable-asset-metadata": True,
    "aws:cdk:version-reporting": True,
    "aws:cdk:bundling-stacks": ["**"],
}


@contextmanager
def app_given(context: dict[str, Any], outdir: Path) -> Iterator[None]:
    """While inside, the ``cdk.App()`` that app.py makes has this context and outdir."""
    import aws_cdk as cdk

    make_app = cdk.App
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cdk, "App", lambda: make_app(context=context, outdir=str(outdir)))
        yield


def write_assembly(environment: str, outdir: Path) -> Path:
    """The cloud assembly ``cdk synth --context env=<environment> --output <outdir>``
    writes, file for file (tests/infra/test_cdk_synth_cli.py runs the CLI to prove it)."""
    import app

    shutil.rmtree(outdir, ignore_errors=True)
    with app_given({**synth_context(), "env": environment, **CLI_CONTEXT}, outdir):
        app.main()
    return outdir

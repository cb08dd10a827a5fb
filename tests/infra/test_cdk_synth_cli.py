"""`cdk synth --context env=<env>`, the real CLI path, writes file for file the assembly
that the infra tier writes in-process into cdk.out.<env>/ (tests/app_in_process.py):
the assemblies `make test`'s lock, budget and scan gates judge.

One environment goes through the CLI here: dev, the one with assets (the seeder and the
custom-resource provider). The others are the same main() on their own context, and the
integration tier runs `cdk deploy --context env=prod` through the CLI.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import ROOT

CLI_ENVIRONMENT = "dev"
# Timings the CLI asks aws-cdk-lib to leave when a synth was slow (10 s a stack): not
# part of what is synthesized, and present or not with the machine's load.
SLOW_SYNTH_REPORT = "performance-counters.json"


def files(assembly: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(assembly)): path.read_bytes()
        for path in sorted(assembly.rglob("*"))
        if path.is_file() and path.name != SLOW_SYNTH_REPORT
    }


def test_cdk_synth_writes_what_the_infra_tier_writes_for_make_test(assemblies, tmp_path):
    result = subprocess.run(
        ["cdk", "synth", "--quiet", "--context", f"env={CLI_ENVIRONMENT}", "--output", tmp_path],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    written, in_process = files(tmp_path), files(assemblies[CLI_ENVIRONMENT])
    assert f"{CLI_ENVIRONMENT}-data-layer.template.json" in written
    assert sorted(written) == sorted(in_process)
    assert [name for name in written if written[name] != in_process[name]] == []

"""`make scan`: the scanners really fail on findings and honour our metadata skips.

aws_cdk is imported in the one test that builds a template, not at collection: the
rest of the integration tier reads its templates from the cache and needs no jsii kernel.
What the templates' skips and ignores say is checked in tests/infra/test_checkov_skips.py."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from tests.conftest import ROOT

SCAN_VENV = ROOT / ".venv-scan"
REASON = "a topic that only ever carries public status pages"


@pytest.fixture(scope="module")
def scanners():
    if not (SCAN_VENV / "bin" / "checkov").exists():
        if os.environ.get("CI"):
            pytest.fail("CI needs the scanners: `make test` installs .venv-scan before pytest")
        pytest.skip("scanners not installed: run `make scan-setup`")
    return SCAN_VENV / "bin"


def run_scan(
    environment: str, *, cdk_out_prefix: str, timeout: int
) -> subprocess.CompletedProcess[str]:
    """``scripts/scan.sh`` as make runs it, on the templates under ``cdk_out_prefix``."""
    return subprocess.run(
        [str(ROOT / "scripts" / "scan.sh"), environment],
        env={**os.environ, "CDK_OUT_PREFIX": cdk_out_prefix},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_scan_fails_on_findings_and_honours_metadata_skips(scanners, tmp_path):
    """One run of scripts/scan.sh over a template with a cfn-lint info finding, an
    unencrypted topic, and an unencrypted topic whose finding is skipped."""
    import aws_cdk as cdk
    from aws_cdk import aws_sns as sns

    from compliance.checkov_skips import CheckovSkip, skip_checkov

    app = cdk.App(outdir=str(tmp_path / "assembly"))
    stack = cdk.Stack(app, "SelfTest")
    sns.Topic(stack, "Loud")
    skip_checkov(sns.Topic(stack, "Quiet").node.default_child, CheckovSkip("CKV_AWS_26", REASON))
    # No DeletionPolicy on a stateful resource: cfn-lint info rule I3011. (Encrypted with
    # KmsMasterKeyId: checkov 3.3.30's CKV_AWS_27 does not know SqsManagedSseEnabled.)
    cdk.CfnResource(
        stack, "Queue", type="AWS::SQS::Queue", properties={"KmsMasterKeyId": "alias/aws/sqs"}
    )
    template = app.synth().get_stack_by_name("SelfTest").template
    environment_dir = tmp_path / "cdk.out.selftest"
    environment_dir.mkdir()
    (environment_dir / "SelfTest.template.json").write_text(json.dumps(template))

    result = run_scan("selftest", cdk_out_prefix=f"{tmp_path}/cdk.out.", timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert ":I3011:" in output
    assert re.search(r"FAILED for resource: AWS::SNS::Topic\.Loud[0-9A-F]{8}\n", output)
    assert "AWS::SNS::Topic.Quiet" not in output
    assert "Failed checks: 1, Skipped checks: 1" in output
    assert "scan FAILED: cfn-lint checkov reported findings" in output


def test_scan_names_the_missing_templates(scanners, tmp_path):
    result = run_scan("nowhere", cdk_out_prefix=f"{tmp_path}/cdk.out.", timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"scan: no templates in {tmp_path}/cdk.out.nowhere/; run 'make synth' first"
    )

"""checkov skips carry reasons and land where checkov reads them; cfn-lint ignores carry
reasons too. The scanners themselves run in tests/integration/test_scan.py."""

from __future__ import annotations

import re

import aws_cdk as cdk
import pytest
import yaml
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs

from compliance.checkov_skips import (
    METADATA_KEY,
    MIN_REASON_LENGTH,
    CheckovSkip,
    CheckovSkips,
    skip_checkov,
)
from tests.conftest import ROOT
from tests.integration.test_scan import REASON


def checkov_skips(template: dict) -> dict[str, list[dict]]:
    return {
        logical_id: resource["Metadata"][METADATA_KEY]["skip"]
        for logical_id, resource in template.get("Resources", {}).items()
        if METADATA_KEY in resource.get("Metadata", {})
    }


def test_every_checkov_skip_in_our_templates_has_a_real_reason(environment):
    for stack_name, template in environment.templates.items():
        for logical_id, skips in checkov_skips(template).items():
            for skip in skips:
                assert skip["id"].startswith("CKV"), (stack_name, logical_id)
                assert len(skip["comment"].strip()) >= MIN_REASON_LENGTH, (stack_name, logical_id)


def test_skip_checkov_writes_checkovs_metadata_and_keeps_earlier_skips():
    stack = cdk.Stack(cdk.App(), "Skips")
    topic = sns.Topic(stack, "Topic").node.default_child
    skip_checkov(topic, CheckovSkip("CKV_AWS_26", REASON))
    skip_checkov(topic, CheckovSkip("CKV_AWS_26", REASON), CheckovSkip("CKV_AWS_999", REASON))
    template = cdk.assertions.Template.from_stack(stack).to_json()
    assert list(checkov_skips(template).values()) == [
        [{"id": "CKV_AWS_26", "comment": REASON}, {"id": "CKV_AWS_999", "comment": REASON}]
    ]


def test_the_aspect_skips_only_its_resource_type():
    stack = cdk.Stack(cdk.App(), "Aspect")
    sns.Topic(stack, "Topic")
    sqs.Queue(stack, "Queue", encryption=sqs.QueueEncryption.SQS_MANAGED)
    cdk.Aspects.of(stack).add(
        CheckovSkips(resource_type="AWS::SNS::Topic", skips=(CheckovSkip("CKV_AWS_26", REASON),))
    )
    template = cdk.assertions.Template.from_stack(stack).to_json()
    skipped = checkov_skips(template)
    assert [template["Resources"][r]["Type"] for r in skipped] == ["AWS::SNS::Topic"]


@pytest.mark.parametrize(
    ("check_id", "reason", "message"),
    [
        ("CKV_AWS_26", "because", "needs a reason a reviewer can judge"),
        ("I1022", REASON, "is not a checkov check id"),
    ],
)
def test_a_skip_without_a_reason_or_with_a_wrong_id_is_refused(check_id, reason, message):
    with pytest.raises(ValueError, match=message):
        CheckovSkip(check_id, reason)


def ignores_without_a_reason(text: str) -> list[str]:
    """The ``ignore_checks`` entries of a .cfnlintrc that carry no reason.

    The list is read as YAML, so no spelling (flow style, quotes) slips past; each
    entry then needs its own block-style line with a trailing ``# reason``.
    """
    ignored = yaml.safe_load(text).get("ignore_checks") or []
    reasons = {}
    for line in text.splitlines():
        entry = re.match(r"^\s+-\s*['\"]?([A-Z]\d{4})['\"]?\s*(?:#\s*(.*))?$", line)
        if entry:
            reasons[entry.group(1)] = (entry.group(2) or "").strip()
    return [str(rule) for rule in ignored if len(reasons.get(str(rule), "")) < MIN_REASON_LENGTH]


def test_cfnlintrc_turns_info_rules_on_and_gives_every_ignore_a_reason():
    text = (ROOT / ".cfnlintrc").read_text()
    assert yaml.safe_load(text)["include_checks"] == ["I"]
    assert ignores_without_a_reason(text) == []


@pytest.mark.parametrize(
    ("ignore_checks", "missing"),
    [
        ("\n  - I1022\n", ["I1022"]),
        ("\n  - I1022  # ok\n", ["I1022"]),  # too short to be a reason
        (" [I1022]\n", ["I1022"]),
        (" [I1022, W3005]  # CDK renders ARNs as Fn::Join, not by hand\n", ["I1022", "W3005"]),
        ("\n  - I1022  # CDK renders ARNs as Fn::Join, not by hand\n", []),
        (" []\n", []),
    ],
)
def test_an_ignore_without_its_own_reason_is_found(ignore_checks, missing):
    text = f"include_checks:\n  - I\nignore_checks:{ignore_checks}"
    assert ignores_without_a_reason(text) == missing


def test_no_template_silences_cfn_lint_per_resource(environment):
    """Per-resource cfn-lint ignores would bypass the reasons above; there are none."""
    silenced = [
        (stack, logical_id)
        for stack, template in environment.templates.items()
        for logical_id, resource in template.get("Resources", {}).items()
        if "cfn-lint" in resource.get("Metadata", {})
    ]
    assert silenced == []

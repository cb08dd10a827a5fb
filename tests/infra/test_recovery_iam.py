"""The recovery-operator's policy, built in a bare stack with every catalog table.

Today's stacks hold one application's tables each, so none can hold this
consumer; the single data-layer stack will. These tests pin what it grants
wherever it lands: exactly restore's, copy's and the drill's actions, on the
catalog tables, their ``-restored-*`` copies and their backups, and nag-clean.
"""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms

import catalog
from catalog.access import CONTROL_PLANE_ACTIONS, KMS_KEY
from catalog.consumers import (
    BACKUP_SUFFIX,
    DATA_READER,
    DEPLOYMENT_VERIFIER,
    RECOVERY_OPERATOR,
    RESTORED_SUFFIX,
    spanning,
)
from cdk_constructs.consumer_access import ConsumerAccess, trusted_principal
from tests.infra.test_iam_access import iam_acknowledgements, iam_violations, wildcard_findings

REGION = "eu-west-1"


@pytest.fixture(scope="module")
def built():
    stack = cdk.Stack(
        cdk.App(), "Recovery", env=cdk.Environment(account="123456789012", region=REGION)
    )
    key = kms.Key(stack, "Key")
    tables = {
        spec.key: dynamodb.TableV2(
            stack,
            spec.construct_id,
            partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
        )
        for spec in catalog.TABLES
    }
    access = ConsumerAccess(
        stack,
        RECOVERY_OPERATOR.construct_id,
        consumer=RECOVERY_OPERATOR,
        tables=tables,
        encryption_key=key,
        region=REGION,
        assumed_by=trusted_principal(RECOVERY_OPERATOR.trusted_principal),
    )
    template = cdk.assertions.Template.from_stack(stack).to_json()
    return stack, access, tables, key, template


def _policy(built) -> dict:
    stack, access, *_, template = built
    return template["Resources"][stack.get_logical_id(access.policy.node.default_child)]


def _matrix(built) -> dict[str, frozenset[str]]:
    stack, _, tables, key, _ = built
    by_id = {stack.get_logical_id(t.node.default_child): k for k, t in tables.items()}
    key_id = stack.get_logical_id(key.node.default_child)
    found: dict[str, set[str]] = {}
    for statement in _policy(built)["Properties"]["PolicyDocument"]["Statement"]:
        resource = statement["Resource"]
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        if resource == {"Fn::GetAtt": [key_id, "Arn"]}:
            name = KMS_KEY
        elif "Fn::GetAtt" in resource:
            name = by_id[resource["Fn::GetAtt"][0]]
        else:
            _, (arn, suffix) = resource["Fn::Join"]
            name = by_id[arn["Fn::GetAtt"][0]] + suffix
        found.setdefault(name, set()).update(actions)
    return {name: frozenset(actions) for name, actions in found.items()}


def test_the_policy_grants_exactly_the_catalog_entry(built):
    assert _matrix(built) == RECOVERY_OPERATOR.matrix()


def test_every_table_its_restored_copies_and_its_backups_and_nothing_else(built):
    expected = {KMS_KEY}
    for spec in catalog.TABLES:
        expected |= {spec.key, spec.key + RESTORED_SUFFIX, spec.key + BACKUP_SUFFIX}
    assert set(_matrix(built)) == expected


def test_control_plane_actions_only_on_restored_copies():
    for grant in RECOVERY_OPERATOR.grants:
        changes_tables = set(grant.actions) & (CONTROL_PLANE_ACTIONS | {"dynamodb:TagResource"})
        if changes_tables:
            assert grant.resource.endswith(RESTORED_SUFFIX), grant.resource
    source_rows = [
        g for g in RECOVERY_OPERATOR.grants if g.resource in {s.key for s in catalog.TABLES}
    ]
    for grant in source_rows:
        # Never UpdateItem or DeleteItem on a live table: copy only adds or replaces items.
        assert not {"dynamodb:UpdateItem", "dynamodb:DeleteItem"} & set(grant.actions)


def test_kms_through_dynamodb_except_describe_key_for_the_alias(built):
    key_id = built[0].get_logical_id(built[3].node.default_child)
    key_statements = [
        s
        for s in _policy(built)["Properties"]["PolicyDocument"]["Statement"]
        if s["Resource"] == {"Fn::GetAtt": [key_id, "Arn"]}
    ]
    via = {"StringEquals": {"kms:ViaService": f"dynamodb.{REGION}.amazonaws.com"}}
    assert [(s.get("Condition"), s["Action"]) for s in key_statements] == [
        (
            via,
            [
                "kms:CreateGrant",
                "kms:Decrypt",
                "kms:DescribeKey",
                "kms:Encrypt",
                "kms:GenerateDataKey",
            ],
        ),
        (None, "kms:DescribeKey"),
    ]


def test_no_wildcard_action_and_only_the_derived_wildcard_resources(built):
    # Only the policy: the bare stack's kms.Key keeps CDK's default key policy.
    assert wildcard_findings({"Resources": {"Policy": _policy(built)}}) == []
    actions = [a for grant in RECOVERY_OPERATOR.grants for a in grant.actions]
    assert all("*" not in action for action in actions)


def test_nag_is_clean_with_one_acknowledgement_per_derived_resource(built):
    stack, access, *_ = built
    assert iam_violations(stack) == []
    assert iam_acknowledgements(stack) == []  # every one is a derived-ARN acknowledgement
    acknowledged = [
        key
        for entry in access.policy.node.metadata
        if entry.type == cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY
        for key in entry.data
    ]
    assert len(acknowledged) == 2 * len(catalog.TABLES)


def test_the_wildcard_scan_still_flags_a_bare_restored_wildcard():
    template = {
        "Resources": {
            "P": {
                "Properties": {
                    "PolicyDocument": {
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": "dynamodb:DeleteTable",
                                "Resource": {"Fn::Join": ["", ["arn:aws:dynamodb:::table/", "*"]]},
                            }
                        ]
                    }
                }
            }
        }
    }
    assert len(wildcard_findings(template)) == 1


def test_only_the_operator_roles_span_every_application():
    assert {c.id for c in spanning()} == {
        RECOVERY_OPERATOR.id,
        DATA_READER.id,
        DEPLOYMENT_VERIFIER.id,
    }


# ------------------------------------------- wired into the environment's stack


@pytest.fixture(scope="module")
def wired(environments):
    """prod as ``add_environment`` builds it: the recovery operator at the stack's top."""
    return environments["prod"]


def test_it_sits_at_the_stack_top_beside_the_applications(environment):
    access = environment.stacks.consumers[RECOVERY_OPERATOR.id]
    assert access.node.scope is environment.stacks.stack


def test_wired_into_the_stack_it_grants_exactly_the_catalog(wired):
    from tests.infra.test_iam_access import template_matrix

    assert template_matrix(wired, RECOVERY_OPERATOR.id) == RECOVERY_OPERATOR.matrix()


def test_wired_into_the_stack_it_is_nag_and_wildcard_clean(wired):
    for template in wired.templates.values():
        assert wildcard_findings(template) == []
    assert iam_violations(wired.stacks.stack) == []
    # Other parts acknowledge their own findings (the backup role's managed policy).
    assert iam_acknowledgements(wired.stacks.consumers[RECOVERY_OPERATOR.id]) == []

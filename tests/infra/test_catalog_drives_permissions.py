"""A grant struck from the catalog reaches the permission check: synthesized without it,
the role's policy denies the command that needs it, and the denial names the command, the
action and the resource. (The integration tier strikes each action from the synthesized
policy of every command's role; this proves the same from the catalog end.)"""

from __future__ import annotations

from dataclasses import replace

import aws_cdk as cdk
import pytest
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Template

import catalog
from catalog.access import Consumer
from catalog.consumers import PROFILE_MIGRATION_OPERATOR
from cdk_constructs.consumer_access import ConsumerAccess
from settings import load_from_cdk_json
from tests.iam.cases import CASES, DATA_KEY_ARN, MOTO_ACCOUNT, REGION, denials, recorded
from tests.iam.policy import Placement, Policy, logical_id_of, physical_arns, role_policy

(MIGRATE,) = [case for case in CASES if case.name == "migrate-profiles"]
CATALOG_ACTIONS = sorted(
    {a for g in PROFILE_MIGRATION_OPERATOR.grants if not g.staging for a in g.actions}
)


def synthesized_policy(holder: Consumer) -> Policy:
    """``holder``'s policy as ConsumerAccess synthesizes it beside dev's tables."""
    stack = cdk.Stack(cdk.App(), "Check", env=cdk.Environment(account=MOTO_ACCOUNT, region=REGION))
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    config = load_from_cdk_json("dev")
    tables = {}
    for spec in catalog.TABLES:
        if spec.key in {grant.table for grant in holder.grants}:
            tables[spec.key] = dynamodb.TableV2(
                stack,
                spec.construct_id,
                table_name=config.table_name(spec),
                partition_key=dynamodb.Attribute(
                    name=spec.partition_key.name, type=dynamodb.AttributeType.STRING
                ),
            )
    ConsumerAccess(
        stack,
        "Operator",
        consumer=holder,
        tables=tables,
        encryption_key=key,
        region=REGION,
        assumed_by=iam.AccountRootPrincipal(),
    )
    template = Template.from_stack(stack).to_json()
    others = {logical_id_of(template, "AWS::KMS::Key"): DATA_KEY_ARN}
    arns = physical_arns(
        template, partition="aws", region=REGION, account=MOTO_ACCOUNT, others=others
    )
    placement = Placement(partition="aws", region=REGION, account=MOTO_ACCOUNT, physical=arns)
    return role_policy(template, construct_id="Operator", placement=placement)


def without(holder: Consumer, action: str) -> Consumer:
    grants = tuple(
        replace(grant, actions=tuple(a for a in grant.actions if a != action))
        for grant in holder.grants
    )
    return replace(holder, grants=tuple(grant for grant in grants if grant.actions))


def test_the_catalog_as_it_is_allows_the_command(tmp_path_factory):
    run = recorded(MIGRATE, tmp_path_factory)
    policy = synthesized_policy(PROFILE_MIGRATION_OPERATOR)
    assert denials(MIGRATE, PROFILE_MIGRATION_OPERATOR.id, policy, run.required) == []


@pytest.mark.parametrize("action", CATALOG_ACTIONS)
def test_an_action_struck_from_the_catalog_fails_the_command_naming_it(action, tmp_path_factory):
    run = recorded(MIGRATE, tmp_path_factory)
    policy = synthesized_policy(without(PROFILE_MIGRATION_OPERATOR, action))
    found = denials(MIGRATE, PROFILE_MIGRATION_OPERATOR.id, policy, run.required)
    table = "arn:aws:dynamodb:us-east-1:123456789012:table/dev-agent-profiles"
    assert (
        f"`ddbctl {MIGRATE.usage}` (migrate-profiles) as profile-migration-operator: "
        f"{action} on {table} is denied" in found
    )

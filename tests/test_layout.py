"""The one-stack layout: what `cdk deploy --context env=<env>` deploys as typed."""

from __future__ import annotations

import json

import catalog
from stacks.environment import KEY_ID, OPERATIONS_ID, SAMPLE_DATA_ID, construct_id, stack_names


def test_the_environment_is_one_stack_with_account_region_and_protection(environment):
    """One stack, so a bare ``cdk deploy --context env=...`` needs no stack name."""
    (stack,) = environment.stacks.all()
    assert (
        list(environment.templates) == [stack.stack_name] == list(stack_names(environment.config))
    )
    assert stack.account == environment.config.account
    assert stack.region == environment.config.region
    assert stack.termination_protection is environment.config.protected


def test_no_template_imports_a_value(environment):
    """Cross-stack imports are the deadlock the one-stack layout removes."""
    for template in environment.templates.values():
        assert "Fn::ImportValue" not in json.dumps(template)


def test_the_tree_shows_each_application_and_part(environment):
    stack = environment.stacks.stack
    children = {child.node.id for child in stack.node.children}
    expected = {construct_id(application) for application in catalog.APPLICATIONS}
    expected |= {KEY_ID, OPERATIONS_ID}
    if environment.config.seed_sample_data:
        expected.add(SAMPLE_DATA_ID)
    assert expected <= children

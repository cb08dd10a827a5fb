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


def test_a_bulk_load_bucket_joins_the_stack_nag_clean_and_reaches_only_the_loaders(
    staging_bucket_environment,
):
    """``bulk_load_bucket: true`` adds the staging bucket beside the key, and only the
    policies of the two operators that bulk-load (migration, recovery) name it."""
    import aws_cdk as cdk

    from compliance import DataLayerChecks
    from stacks.environment import BULK_LOAD_ID
    from tests.infra.test_nag import violations

    parts, config = staging_bucket_environment.stacks, staging_bucket_environment.config
    assert parts.bulk_load is not None
    assert parts.bulk_load.node.path == f"{parts.stack.stack_name}/{BULK_LOAD_ID}"
    assert violations(parts.stack) == []
    pack = DataLayerChecks(protected=config.protected, require_backup=config.backup_enabled)
    assert violations(parts.stack, pack) == []
    template = cdk.assertions.Template.from_stack(parts.stack).to_json()
    bucket_id = parts.stack.get_logical_id(parts.bulk_load.bucket.node.default_child)
    naming = {
        consumer_id
        for consumer_id, access in parts.consumers.items()
        if bucket_id
        in json.dumps(
            template["Resources"][parts.stack.get_logical_id(access.policy.node.default_child)]
        )
    }
    assert naming == {"profile-migration-operator", "recovery-operator"}

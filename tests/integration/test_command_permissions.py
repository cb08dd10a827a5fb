"""Every documented command, run as typed against moto, allowed by the role docs name.

Each case runs one ``ddbctl`` command in-process, with no ``--endpoint-url`` (moto
answers what would be AWS), records every call it makes (``tests/iam/calls.py``), and
evaluates each call's permissions against the synthesized policy of the role that
``catalog/commands.py`` names for it. A denial fails naming the command, the action and
the resource. Striking any one action the command needs from that policy must make it
fail, so the check cannot pass by accident; and every action a role holds must be used by
some command the role runs, so no grant outlives its reason.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import pytest

from catalog.commands import COMMAND_ROLES
from catalog.consumers import CONSUMER_IDS, consumer
from settings import load_from_cdk_json
from tests import template_cache
from tests.conftest import synthesize
from tests.iam.cases import (
    BUCKET,
    CASES,
    DATA_KEY_ARN,
    MOTO_ACCOUNT,
    REGION,
    denials,
    recorded,
)
from tests.iam.policy import (
    MANAGED_POLICY_MAX_CHARACTERS,
    Placement,
    Policy,
    logical_id_of,
    physical_arns,
    role_policy,
)


@pytest.fixture(scope="module")
def dev_templates() -> dict:
    config = load_from_cdk_json("dev")
    return template_cache.load_or_build("dev", build=lambda: synthesize(config).templates)


@pytest.fixture(scope="module")
def policies(dev_templates, staging_bucket_templates) -> Callable[[str, bool], Policy]:
    """``(role, staging) -> Policy``: the role as dev synthesizes it, with the staging
    bucket when ``staging``, resolved to moto's ARNs."""

    @functools.cache
    def policy(role: str, staging: bool, region: str = REGION) -> Policy:
        (template,) = (staging_bucket_templates if staging else dev_templates).values()
        others = {logical_id_of(template, "AWS::KMS::Key"): DATA_KEY_ARN}
        if staging:
            others[logical_id_of(template, "AWS::S3::Bucket")] = f"arn:aws:s3:::{BUCKET}"
        placement = Placement(
            partition="aws",
            region=region,
            account=MOTO_ACCOUNT,
            physical=physical_arns(
                template, partition="aws", region=region, account=MOTO_ACCOUNT, others=others
            ),
        )
        return role_policy(template, construct_id=consumer(role).construct_id, placement=placement)

    return policy


def test_every_command_that_reaches_aws_has_a_case_and_every_case_a_command():
    with_roles = {entry.usage for entry in COMMAND_ROLES if entry.roles}
    assert {case.usage for case in CASES} == with_roles
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("usage", sorted({case.usage for case in CASES}), ids=str)
def test_the_documented_role_allows_every_call_the_command_makes(usage, policies, tmp_path_factory):
    """Each role the docs name for ``usage`` allows every call of each of its cases; with
    any one needed action struck from the role, the check names that action."""
    for case in [case for case in CASES if case.usage == usage]:
        run = recorded(case, tmp_path_factory)
        assert run.code == 0, f"ddbctl {case.name} failed:\n{run.err}"
        assert run.calls, f"{case.name} made no AWS call: it needs no role"
        for role in case.run_as:
            policy = policies(role, case.staging)
            denied = denials(case, role, policy, run.required)
            assert not denied, "\n".join(denied)
            for action in sorted({r.action for r in run.required}):
                found = denials(case, role, policy.without_action(action), run.required)
                assert found, f"{case.name}: striking {action} from {role} went unnoticed"
                assert all(action in line and case.usage in line for line in found), found


OPERATOR_ROLES = sorted({role for case in CASES for role in case.run_as})


@pytest.mark.parametrize("role", OPERATOR_ROLES)
def test_every_action_a_role_holds_is_used_by_a_command_it_runs(role, policies, tmp_path_factory):
    """The reverse direction: a statement's action that no recorded call (nor what AWS
    documents a call needs) uses is a grant without a reason, and fails here."""
    runs = [(case, recorded(case, tmp_path_factory)) for case in CASES if role in case.run_as]
    for staging in (False, True):
        policy = policies(role, staging)
        required = [r for case, run in runs if case.staging <= staging for r in run.required]
        unused = [
            f"{role}{' (with the staging bucket)' if staging else ''}: {action} on "
            f"{', '.join(statement.resources)}"
            for statement in policy.statements
            for action in statement.actions
            if not any(
                statement.applies_to(r) and r.action.lower() == action.lower() for r in required
            )
        ]
        assert not unused, "granted, but no command of this role uses it:\n" + "\n".join(unused)


def test_every_managed_policy_fits_iam_s_size_limit(policies, dev_templates):
    """IAM refuses a managed policy over 6,144 characters at deploy time, which no synth
    check catches; the recovery operator's grows with every table."""
    for role in CONSUMER_IDS:
        for staging in (False, True):
            # The longest region name there is: every ARN in the policy carries it.
            size = policies(role, staging, "ap-southeast-2").size
            assert size <= MANAGED_POLICY_MAX_CHARACTERS, f"{role}: {size} characters"

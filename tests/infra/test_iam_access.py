"""Least-privilege application roles: every template grants exactly what the catalog says.

Each environment's synthesized policies are compared with ``catalog/consumers.py``
per consumer, resource and action, so a grant the construct adds or drops on its
own fails. The seeds' own requirements are pinned independently below.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from cdk_nag import AwsSolutionsChecks

import catalog
from catalog.access import (
    ANY_RESOURCE,
    CONTROL_PLANE_ACTIONS,
    INDEX_ACTIONS,
    KMS_KEY,
    KMS_KEY_VIA_S3,
    STAGING_BUCKET,
)
from catalog.consumers import (
    ALL_APPLICATIONS,
    CONSUMER_IDS,
    CONSUMERS,
    DERIVED_SUFFIXES,
    RESTORED_SUFFIX,
    DerivedGrant,
    consumer,
    spanning,
)
from cdk_constructs.consumer_access import ConsumerAccess, trusted_principal
from cdk_constructs.data_key import ACCOUNT_KEY_ACTIONS
from settings import load_environment, load_from_cdk_json
from tests.conftest import synthesize

NAG_IAM_RULES = ("AwsSolutions-IAM4", "AwsSolutions-IAM5")

# Transcribed from the issue and the seeds, not from the catalog.
DEFAULT_PRINCIPALS = {
    "root-orchestrator-service": {"Service": "ecs-tasks.amazonaws.com"},
    "trade-matching-orchestrator": {"Service": "bedrock-agentcore.amazonaws.com"},
    "trade-matching-portal": {"Service": "ecs-tasks.amazonaws.com"},
    "opportunity-analyzer": {"Service": "lambda.amazonaws.com"},
    "agent-matching-server": {"Service": "ecs-tasks.amazonaws.com"},
    "profile-migration-operator": "account-root",
    "recovery-operator": "account-root",
    "data-reader": "account-root",
    "deployment-verifier": "account-root",
}
# Actions that take no resource: the only statements whose Resource may be "*".
ACCOUNT_ACTIONS = {a for c in CONSUMERS for g in c.account_grants for a in g.actions}
# A transcription of seed 003 (003_cf875c0a4d0c15d2.txt), Phase 2's IAM policy, statement
# "DynamoDBAccess": the check of the catalog against the seed, so never read from the catalog.
SEED_003_POLICY_TRANSCRIPTION = {
    "dynamodb:PutItem",
    "dynamodb:GetItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:BatchWriteItem",
    "dynamodb:BatchGetItem",
}
ALLOWED_SCANS = {
    ("agent-matching-server", "agent-profiles"),
    ("opportunity-analyzer", "OpportunitySessions"),
}

Matrix = dict[str, dict[str, frozenset[str]]]


# ------------------------------------------------------------- the catalog


def catalog_matrix(*, staging: bool) -> Matrix:
    return {c.id: c.matrix(staging=staging) for c in CONSUMERS}


def grant_differences(synthesized: Matrix, expected: Matrix) -> list[str]:
    """One line per (consumer, resource, action) granted on one side only."""

    def triples(matrix: Matrix) -> set[tuple[str, str, str]]:
        return {
            (consumer_id, resource, action)
            for consumer_id, rows in matrix.items()
            for resource, actions in rows.items()
            for action in actions
        }

    found, wanted = triples(synthesized), triples(expected)
    return [
        f"granted but not in catalog/consumers.py: {triple}" for triple in sorted(found - wanted)
    ] + [f"in catalog/consumers.py but not granted: {triple}" for triple in sorted(wanted - found)]


def test_differences_name_each_extra_and_missing_action():
    expected = {"a": {"t": frozenset({"dynamodb:GetItem"}), KMS_KEY: frozenset({"kms:Decrypt"})}}
    synthesized = {"a": {"t": frozenset({"dynamodb:GetItem", "dynamodb:Scan"})}}
    assert grant_differences(synthesized, expected) == [
        "granted but not in catalog/consumers.py: ('a', 't', 'dynamodb:Scan')",
        "in catalog/consumers.py but not granted: ('a', 'KMS key', 'kms:Decrypt')",
    ]
    assert grant_differences(expected, expected) == []


# ---------------------------------------------------------- synthesized policies


def table_keys_by_logical_id(environment, stack_name: str) -> dict[str, str]:
    by_name = {environment.config.table_name(spec): spec.key for spec in catalog.TABLES}
    return {
        logical_id: by_name[resource["Properties"]["TableName"]]
        for logical_id, resource in environment.templates[stack_name]["Resources"].items()
        if resource["Type"] == "AWS::DynamoDB::GlobalTable"
    }


def key_arn_import(environment) -> dict[str, list[str]]:
    """``{"Fn::GetAtt": [<key>, "Arn"]}``: the environment key's ARN, in the same stack."""
    (key_id,) = environment.resources("AWS::KMS::Key")
    return {"Fn::GetAtt": [key_id, "Arn"]}


def resource_name(
    resource: Any, tables: dict[str, str], key_import: dict[str, str], bucket: str | None
) -> str:
    """A policy Resource as its access-matrix name; anything unexpected fails."""
    if resource == key_import:
        return KMS_KEY
    if resource == ANY_RESOURCE:
        return ANY_RESOURCE
    if isinstance(resource, dict) and "Fn::GetAtt" in resource:
        logical_id, attribute = resource["Fn::GetAtt"]
        assert attribute == "Arn"
        return STAGING_BUCKET if logical_id == bucket else tables[logical_id]
    if isinstance(resource, dict) and "Fn::Join" in resource:
        delimiter, (base, suffix) = resource["Fn::Join"]
        assert delimiter == ""
        name = resource_name(base, tables, key_import, bucket)
        if name == STAGING_BUCKET:
            assert suffix.startswith("/"), suffix
            return f"{STAGING_BUCKET}{suffix}"
        if suffix in DERIVED_SUFFIXES:
            return f"{name}{suffix}"
        index = re.fullmatch(r"/index/([\w.-]+)", suffix)
        assert index, f"not a named index ARN: {suffix!r}"
        return f"{name}/index/{index[1]}"
    raise AssertionError(f"unexpected policy resource {resource!r}")


def listed(value: Any) -> list[Any]:
    """A policy field that may hold one value or a list, as a list."""
    return list(value) if isinstance(value, list) else [value]


def policy_of(environment, consumer_id: str) -> tuple[str, str, dict[str, Any]]:
    """(stack name, logical id, resource) of one consumer's managed policy."""
    access = environment.stacks.consumers[consumer_id]
    stack = cdk.Stack.of(access)
    logical_id = stack.get_logical_id(access.policy.node.default_child)
    return (
        stack.stack_name,
        logical_id,
        environment.templates[stack.stack_name]["Resources"][logical_id],
    )


def placed(environment) -> list[str]:
    """Consumers the environment holds, in catalog order. A spanning consumer (the recovery
    operator) needs every table, so the stack adds it beside all of them, once wired."""
    return [cid for cid in CONSUMER_IDS if cid in environment.stacks.consumers]


def expected_condition(consumer_id: str, name: str, actions: set[str], region: str) -> Any:
    """The one condition a statement on ``name`` holding ``actions`` may carry."""
    holder = consumer(consumer_id)
    if name == KMS_KEY and actions <= set(holder.direct_kms_actions):
        return None  # ddbctl calls these itself, not through DynamoDB
    if name in (KMS_KEY, KMS_KEY_VIA_S3):
        service = "s3" if name == KMS_KEY_VIA_S3 else "dynamodb"
        return {"StringEquals": {"kms:ViaService": f"{service}.{region}.amazonaws.com"}}
    leading = {g.leading_keys for g in holder.grants if g.resource == name and g.leading_keys}
    if leading and actions <= {a for g in holder.grants if g.leading_keys for a in g.actions}:
        (patterns,) = leading
        return {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": list(patterns)}}
    return None


def template_matrix(environment, consumer_id: str) -> dict[str, frozenset[str]]:
    stack_name, _, policy = policy_of(environment, consumer_id)
    assert policy["Type"] == "AWS::IAM::ManagedPolicy"
    tables = table_keys_by_logical_id(environment, stack_name)
    key_import = key_arn_import(environment)
    buckets = environment.resources("AWS::S3::Bucket")
    bucket = next(iter(buckets), None)
    region = environment.config.region
    found: dict[str, set[str]] = {}
    for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
        assert set(statement) <= {"Effect", "Action", "Resource", "Condition"}, statement
        assert statement["Effect"] == "Allow"
        actions = set(listed(statement["Action"]))
        via_s3 = "s3." in str(statement.get("Condition", {}))
        for resource in listed(statement["Resource"]):
            name = resource_name(resource, tables, key_import, bucket)
            if name == KMS_KEY and via_s3:
                name = KMS_KEY_VIA_S3
            condition = expected_condition(consumer_id, name, actions, region)
            assert statement.get("Condition") == condition, statement
            found.setdefault(name, set()).update(actions)
    return {name: frozenset(actions) for name, actions in found.items()}


def test_every_consumer_has_a_policy_beside_its_tables(environment):
    assert list(environment.stacks.consumers) == placed(environment)
    assert set(CONSUMER_IDS) - set(placed(environment)) <= {c.id for c in spanning()}
    for c in CONSUMERS:
        if c.id not in environment.stacks.consumers or c.application == ALL_APPLICATIONS:
            continue
        access = environment.stacks.consumers[c.id]
        application = environment.stacks.applications[c.application]
        assert access.node.scope is application, c.id


def test_synthesized_policies_grant_exactly_the_catalog(environment):
    synthesized = {cid: template_matrix(environment, cid) for cid in placed(environment)}
    matrix = catalog_matrix(staging=environment.config.bulk_load_bucket)
    expected = {cid: matrix[cid] for cid in placed(environment)}
    assert grant_differences(synthesized, expected) == []
    assert synthesized == expected


def test_with_the_staging_bucket_the_policies_grant_exactly_the_catalog_too(
    staging_bucket_environment,
):
    environment = staging_bucket_environment
    synthesized = {cid: template_matrix(environment, cid) for cid in placed(environment)}
    matrix = catalog_matrix(staging=True)
    assert grant_differences(synthesized, {cid: matrix[cid] for cid in placed(environment)}) == []
    assert synthesized != {cid: catalog_matrix(staging=False)[cid] for cid in placed(environment)}


def test_created_roles_trust_the_default_principals_and_hold_only_their_policy(environment):
    account = environment.config.account
    root = {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, f":iam::{account}:root"]]}
    for consumer_id, expected in DEFAULT_PRINCIPALS.items():
        if consumer_id not in placed(environment):
            continue
        access = environment.stacks.consumers[consumer_id]
        stack = cdk.Stack.of(access)
        role = environment.templates[stack.stack_name]["Resources"][
            stack.get_logical_id(access.role.node.default_child)
        ]
        assert role["Type"] == "AWS::IAM::Role"
        (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        principal = {"AWS": root} if expected == "account-root" else expected
        assert statement == {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": principal}
        _, policy_id, _ = policy_of(environment, consumer_id)
        assert role["Properties"]["ManagedPolicyArns"] == [{"Ref": policy_id}]
        assert "Policies" not in role["Properties"]


def test_every_policy_and_role_arn_is_exported(environment):
    env = environment.config.name
    for c in CONSUMERS:
        if c.id not in placed(environment):
            continue
        stack_name, policy_id, _ = policy_of(environment, c.id)
        access = environment.stacks.consumers[c.id]
        role_id = cdk.Stack.of(access).get_logical_id(access.role.node.default_child)
        outputs = {
            o["Export"]["Name"]: o["Value"]
            for o in environment.templates[stack_name]["Outputs"].values()
        }
        assert outputs[f"{env}-{c.construct_id}PolicyArn"] == {"Ref": policy_id}
        assert outputs[f"{env}-{c.construct_id}RoleArn"] == {"Fn::GetAtt": [role_id, "Arn"]}


# ------------------------------------------------------------------ wildcards


def statements(value: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every policy statement anywhere in a template: identity, trust and key policies."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "Statement":
                for statement in listed(item):
                    yield path, statement
            else:
                yield from statements(item, f"{path}/{key}")
    elif isinstance(value, list):
        for position, item in enumerate(value):
            yield from statements(item, f"{path}/{position}")


def literals(value: Any) -> Iterator[str]:
    """Every literal string inside a (possibly intrinsic) value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from literals(item)
    elif isinstance(value, list):
        for item in value:
            yield from literals(item)


def is_derived_table_arn(resource: Any) -> bool:
    """A table ARN plus one of the catalog's derived suffixes (``-restored-*``,
    ``/backup/*``, ``/export/*``, ``/*``): names made at run time under one table, each
    bound to that table's ARN (a GetAtt), never a bare ``*``."""
    if not isinstance(resource, dict) or "Fn::Join" not in resource:
        return False
    delimiter, parts = resource["Fn::Join"]
    return (
        delimiter == ""
        and len(parts) == 2
        and isinstance(parts[0], dict)
        and list(parts[0]) == ["Fn::GetAtt"]
        and parts[1] in DERIVED_SUFFIXES
    )


def wildcard_findings(template: dict[str, Any]) -> list[str]:
    """Statements with a wildcard action, or `*` as a DynamoDB/KMS resource. The only
    exemptions: a table ARN plus one of the catalog's derived suffixes, and `*` alone for
    an action that takes no resource (``ACCOUNT_ACTIONS``)."""
    findings = []
    for path, statement in statements(template):
        where = f"{path}: {statement}"
        if "NotAction" in statement or "NotResource" in statement:
            findings.append(f"NotAction/NotResource in {where}")
        actions = listed(statement.get("Action", []))
        if any("*" in action for action in actions):
            findings.append(f"wildcard action in {where}")
        touches_data = any(a.startswith(("dynamodb:", "kms:")) for a in actions)
        if path.endswith("/Properties/KeyPolicy"):
            # A key policy can only say "*", and there it means this one key.
            touches_data = False
        resources = listed(statement.get("Resource", []))
        resources = [r for r in resources if not is_derived_table_arn(r)]
        if resources == [ANY_RESOURCE] and set(actions) <= ACCOUNT_ACTIONS:
            resources = []
        if touches_data and any("*" in text for r in resources for text in literals(r)):
            findings.append(f"wildcard DynamoDB/KMS resource in {where}")
    return findings


def test_wildcard_scan_finds_each_kind_of_wildcard():
    bad = {
        "Resources": {
            "P": {
                "Properties": {
                    "PolicyDocument": {
                        "Statement": [
                            {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "arn:t"},
                            {"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": "*"},
                            {
                                "Effect": "Allow",
                                "Action": "dynamodb:Query",
                                "Resource": {
                                    "Fn::Join": ["", [{"Fn::GetAtt": ["T", "Arn"]}, "/index/*"]]
                                },
                            },
                            {"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:x"},
                        ]
                    }
                }
            },
            # The same shape as the allowed key statement, but in an identity policy.
            "Q": {
                "Properties": {
                    "PolicyDocument": {
                        "Statement": {
                            "Effect": "Allow",
                            "Action": "kms:*",
                            "Resource": "*",
                            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                        }
                    }
                }
            },
        }
    }
    findings = wildcard_findings(bad)
    assert sum("wildcard action" in f for f in findings) == 2
    assert sum("wildcard DynamoDB/KMS resource" in f for f in findings) == 3
    assert sum("NotAction" in f for f in findings) == 1


def test_no_statement_in_any_template_has_a_wildcard(environment):
    for stack_name, template in environment.templates.items():
        assert wildcard_findings(template) == [], stack_name


def test_the_key_policy_names_every_account_action(environment):
    """CDK's default key policy grants the account ``kms:*``; ours lists the actions, and keeps
    PutKeyPolicy so the account can never be locked out of its own key."""
    stack = environment.stacks.stack
    key_id = stack.get_logical_id(environment.stacks.key.node.default_child)
    key = environment.templates[stack.stack_name]["Resources"][key_id]
    (account,) = [
        s
        for s in key["Properties"]["KeyPolicy"]["Statement"]
        if s.get("Sid") == "AccountAdministersAndDelegatesThisKey"
    ]
    assert list(literals(account["Principal"]["AWS"]))[-1] == (
        f":iam::{environment.config.account}:root"
    )
    assert sorted(account["Action"]) == sorted(ACCOUNT_KEY_ACTIONS)
    assert "kms:PutKeyPolicy" in account["Action"]
    assert all("*" not in action for action in account["Action"])


# ------------------------------------------------------------------- cdk-nag


def iam_acknowledgements(scope) -> list[str]:
    """IAM acknowledgements, except each derived-ARN one on the recovery operator's policy."""
    return [
        f"{construct.node.path}: {entry.data}"
        for construct in scope.node.find_all()
        for entry in construct.node.metadata
        if entry.type == cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY
        and any(rule in str(entry.data) for rule in NAG_IAM_RULES)
        and not all(_is_derived_acknowledgement(key) for key in entry.data)
    ]


def _is_derived_acknowledgement(key: str) -> bool:
    return bool(
        re.fullmatch(
            r"Annotation::AwsSolutions-IAM5\[Resource::<\w+\.Arn>"
            r"(-restored-\*|/backup/\*|/export/\*|/\*)\]",
            key,
        )
    )


def iam_violations(scope) -> list[str]:
    report = AwsSolutionsChecks().validate_scope(scope)
    return [
        f"{v.rule_name}: {[r.resource_logical_id for r in v.violating_resources]}"
        for v in report.violations
        # IAM5 names its finding in the rule: "AwsSolutions-IAM5[Resource::...]".
        if v.rule_name.split("[")[0] in NAG_IAM_RULES
    ]


def test_nag_finds_no_iam4_or_iam5_and_none_is_acknowledged(environment):
    for part in environment.stacks.applications.values():
        assert iam_violations(part) == [], part.node.path
        assert iam_acknowledgements(part) == [], part.node.path


def test_nag_would_flag_an_index_wildcard():
    stack = cdk.Stack(
        cdk.App(), "Wild", env=cdk.Environment(account="123456789012", region="us-east-1")
    )
    iam.ManagedPolicy(
        stack,
        "Policy",
        statements=[
            iam.PolicyStatement(
                actions=["dynamodb:Query"],
                resources=["arn:aws:dynamodb:us-east-1:123456789012:table/t/index/*"],
            )
        ],
    )
    assert any(v.startswith("AwsSolutions-IAM5") for v in iam_violations(stack))


# ------------------------------------------------------- the catalog's grants


def test_grants_name_real_tables_and_indexes_of_the_consumers_application():
    for c in CONSUMERS:
        specs = catalog.TABLES if c.application == ALL_APPLICATIONS else None
        own = {spec.key for spec in specs or catalog.APPLICATIONS[c.application]}
        for grant in c.grants:
            assert grant.table in own, (c.id, grant.table)
            spec = catalog.table(grant.table)
            if grant.index is not None:
                spec.index(grant.index)
                assert set(grant.actions) <= INDEX_ACTIONS, (c.id, grant.resource)
            restored = isinstance(grant, DerivedGrant) and grant.suffix == RESTORED_SUFFIX
            if not restored:  # only the tables ddbctl restore creates may be changed or deleted
                assert not set(grant.actions) & CONTROL_PLANE_ACTIONS, (c.id, grant.resource)
            assert all(a.startswith("dynamodb:") and "*" not in a for a in grant.actions)
            assert grant.reason, (c.id, grant.resource)


def test_scan_only_where_a_seed_requires_it():
    scans = {
        (c.id, grant.resource)
        for c in CONSUMERS
        for grant in c.grants
        if "dynamodb:Scan" in grant.actions and c.application != ALL_APPLICATIONS
    }
    assert scans == ALLOWED_SCANS
    assert {t for _, t in scans} == {spec.key for spec in catalog.TABLES if spec.full_scan_uses}


def test_analyzer_holds_seed_003s_eight_actions_and_queries_each_index():
    matrix = consumer("opportunity-analyzer").matrix()
    assert matrix["OpportunitySessions"] == SEED_003_POLICY_TRANSCRIPTION
    for index in catalog.table("OpportunitySessions").global_indexes:
        assert matrix[f"OpportunitySessions/index/{index.name}"] == {"dynamodb:Query"}


def test_readers_decrypt_and_writers_also_encrypt():
    readers = {"trade-matching-portal", "data-reader"}
    for reader in readers:
        assert consumer(reader).kms_actions == ("kms:Decrypt",)
    for consumer_id in set(CONSUMER_IDS) - readers - {"recovery-operator"}:
        assert set(consumer(consumer_id).kms_actions) == {
            "kms:Decrypt",
            "kms:Encrypt",
            "kms:GenerateDataKey",
        }


def test_unknown_consumer_names_the_valid_ids():
    with pytest.raises(KeyError, match="unknown consumer 'portal'; valid ids: root-orchestrator"):
        consumer("portal")


# ----------------------------------------------- existing roles and principals

EXISTING_ARN = "arn:aws:iam::111111111111:role/service/assessment-center-backend"
OVERRIDES = {
    "opportunity-analyzer": {"existing_role": EXISTING_ARN},
    "trade-matching-portal": {"existing_role": "trade-portal-task-role"},
    "root-orchestrator-service": {
        "trusted_principal": "arn:aws:iam::111111111111:role/orchestrator-host"
    },
    "agent-matching-server": {"trusted_principal": "account"},
}


@pytest.fixture(scope="module")
def adopted():
    """dev, with two consumers on existing roles and two with other principals; built once."""
    environments = {"dev": {**_dev_block(), "consumers": OVERRIDES}}
    return synthesize(load_environment("dev", environments))


def _dev_block() -> dict[str, Any]:
    config = load_from_cdk_json("dev")
    return {"account": config.account, "region": config.region}


def test_existing_role_gets_the_policy_and_no_new_role(adopted):
    expected = {
        "opportunity-analyzer": ("assessment-center-backend", EXISTING_ARN),
        "trade-matching-portal": (
            "trade-portal-task-role",
            {
                "Fn::Join": [
                    "",
                    [
                        "arn:",
                        {"Ref": "AWS::Partition"},
                        ":iam::111111111111:role/trade-portal-task-role",
                    ],
                ]
            },
        ),
    }
    for consumer_id, (role_name, role_arn) in expected.items():
        access = adopted.stacks.consumers[consumer_id]
        assert access.created_role is False
        stack_name, _, policy = policy_of(adopted, consumer_id)
        assert policy["Properties"]["Roles"] == [role_name]
        template = adopted.templates[stack_name]
        c = consumer(consumer_id)
        roles = [
            lid
            for lid, r in template["Resources"].items()
            if r["Type"] == "AWS::IAM::Role" and lid.startswith(c.construct_id)
        ]
        assert roles == []
        outputs = {o["Export"]["Name"]: o["Value"] for o in template["Outputs"].values()}
        assert outputs[f"dev-{c.construct_id}RoleArn"] == role_arn


def test_existing_roles_do_not_change_what_is_granted(adopted):
    synthesized = {cid: template_matrix(adopted, cid) for cid in placed(adopted)}
    expected = {cid: catalog_matrix(staging=False)[cid] for cid in placed(adopted)}
    assert grant_differences(synthesized, expected) == []


def test_other_consumers_still_get_created_roles_with_configured_principals(adopted):
    account = adopted.config.account
    expected = {
        "root-orchestrator-service": {"AWS": f"arn:aws:iam::{account}:role/orchestrator-host"},
        "agent-matching-server": {
            "AWS": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, f":iam::{account}:root"]]}
        },
        "profile-migration-operator": {
            "AWS": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, f":iam::{account}:root"]]}
        },
        "trade-matching-orchestrator": {"Service": "bedrock-agentcore.amazonaws.com"},
    }
    for consumer_id, principal in expected.items():
        access = adopted.stacks.consumers[consumer_id]
        assert access.created_role is True
        stack = cdk.Stack.of(access)
        role = adopted.templates[stack.stack_name]["Resources"][
            stack.get_logical_id(access.role.node.default_child)
        ]
        (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert statement["Principal"] == principal


def test_adopted_environment_is_still_nag_clean(adopted):
    for part in adopted.stacks.applications.values():
        assert iam_violations(part) == [], part.node.path


# ----------------------------------------------------------------- construct


def _bare_stack() -> tuple[cdk.Stack, dynamodb.TableV2, kms.Key]:
    stack = cdk.Stack(
        cdk.App(), "Bare", env=cdk.Environment(account="123456789012", region="eu-west-1")
    )
    key = kms.Key(stack, "Key")
    table = dynamodb.TableV2(
        stack,
        "Profiles",
        partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
    )
    return stack, table, key


def _operator_access(**role: object) -> cdk.Stack:
    """The migration operator's access to one bare table, its role given by ``role``."""
    stack, table, key = _bare_stack()
    ConsumerAccess(
        stack,
        "Access",
        consumer=consumer("profile-migration-operator"),
        tables={"agent-profiles": table},
        encryption_key=key,
        region="eu-west-1",
        **role,
    )
    return stack


@pytest.mark.parametrize(
    ("existing_role", "assumed_by"),
    [("some-role", iam.ServicePrincipal("lambda.amazonaws.com")), (None, None)],
)
def test_construct_needs_exactly_one_of_existing_role_and_principal(existing_role, assumed_by):
    with pytest.raises(ValueError, match="exactly one of existing_role and assumed_by"):
        _operator_access(existing_role=existing_role, assumed_by=assumed_by)


def test_construct_limits_kms_to_dynamodb_in_the_given_region():
    from aws_cdk.assertions import Match, Template

    stack = _operator_access(assumed_by=trusted_principal("account"))
    Template.from_stack(stack).has_resource_properties(
        "AWS::IAM::ManagedPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        {
                            "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                            "Condition": {
                                "StringEquals": {
                                    "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com"
                                }
                            },
                            "Effect": "Allow",
                            "Resource": {"Fn::GetAtt": [Match.string_like_regexp("^Key"), "Arn"]},
                        }
                    ]
                )
            }
        },
    )


def test_trusted_principal_forms():
    assert isinstance(trusted_principal("account"), iam.AccountRootPrincipal)
    assert isinstance(trusted_principal("lambda.amazonaws.com"), iam.ServicePrincipal)
    arn = trusted_principal("arn:aws:iam::123456789012:role/x")
    assert isinstance(arn, iam.ArnPrincipal) and arn.arn == "arn:aws:iam::123456789012:role/x"

"""Our cdk-nag pack for AWS::DynamoDB::GlobalTable: each rule on a compliant and a
non-compliant TableV2 in a bare stack."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_backup as backup
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from cdk_nag import AwsSolutionsChecks

from compliance import DataLayerChecks

PITR = "DataLayer-GlobalTablePITR"
CMK = "DataLayer-GlobalTableCMK"
RETAIN = "DataLayer-GlobalTableRetain"
BACKUP = "DataLayer-GlobalTableBackup"


def bare_stack(name: str = "Bare") -> cdk.Stack:
    return cdk.Stack(
        cdk.App(), name, env=cdk.Environment(account="123456789012", region="us-east-1")
    )


def table(stack: cdk.Stack, construct_id: str = "Table", **overrides) -> dynamodb.TableV2:
    """A table that passes every rule unless ``overrides`` says otherwise."""
    if "encryption" not in overrides:
        overrides["encryption"] = dynamodb.TableEncryptionV2.customer_managed_key(
            kms.Key(stack, f"{construct_id}Key"),
            replica_key_arns={"eu-west-1": "arn:aws:kms:eu-west-1:123456789012:key/replica"},
        )
    arguments = {
        "table_name": f"{construct_id.lower()}-table",
        "partition_key": dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
        "point_in_time_recovery_specification": dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
        "deletion_protection": True,
        "removal_policy": cdk.RemovalPolicy.RETAIN,
        **overrides,
    }
    return dynamodb.TableV2(stack, construct_id, **arguments)


def findings(scope, *, protected: bool = True, require_backup: bool = False) -> dict[str, list]:
    report = DataLayerChecks(protected=protected, require_backup=require_backup).validate_scope(
        scope
    )
    return {
        violation.rule_name: [r.construct_path for r in violation.violating_resources]
        for violation in report.violations
    }


def test_a_fully_configured_table_passes_every_rule():
    stack = bare_stack()
    selected = table(stack)
    backup.BackupSelection(
        stack,
        "Selection",
        backup_plan=backup.BackupPlan.daily35_day_retention(stack, "Plan"),
        resources=[backup.BackupResource.from_arn(selected.table_arn)],
    )
    assert findings(stack, protected=True, require_backup=True) == {}


# PITR


def test_pitr_off_is_flagged():
    stack = bare_stack()
    table(stack, point_in_time_recovery_specification=None)
    assert findings(stack) == {PITR: ["Bare/Table/Resource"]}


def test_pitr_explicitly_disabled_is_flagged():
    stack = bare_stack()
    table(
        stack,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=False
        ),
    )
    assert PITR in findings(stack)


def test_pitr_on_in_every_replica_passes():
    stack = bare_stack()
    table(stack, replicas=[dynamodb.ReplicaTableProps(region="eu-west-1")])
    assert PITR not in findings(stack)


def test_pitr_off_in_one_replica_is_flagged():
    stack = bare_stack()
    table(
        stack,
        replicas=[
            dynamodb.ReplicaTableProps(
                region="eu-west-1",
                point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                    point_in_time_recovery_enabled=False
                ),
            )
        ],
    )
    assert findings(stack) == {PITR: ["Bare/Table/Resource"]}


# Customer-managed key


@pytest.mark.parametrize(
    "encryption",
    [None, dynamodb.TableEncryptionV2.aws_managed_key()],
    ids=["aws-owned-default", "aws-managed"],
)
def test_aws_owned_or_managed_encryption_is_flagged(encryption):
    stack = bare_stack()
    table(stack, encryption=encryption)
    assert findings(stack) == {CMK: ["Bare/Table/Resource"]}


def test_customer_managed_key_passes():
    stack = bare_stack()
    table(stack)
    assert CMK not in findings(stack)


def test_kms_key_id_naming_the_aws_managed_alias_is_flagged():
    stack = bare_stack()
    resource = table(stack).node.default_child
    resource.replicas = [
        dynamodb.CfnGlobalTable.ReplicaSpecificationProperty(
            region="us-east-1",
            sse_specification=dynamodb.CfnGlobalTable.ReplicaSSESpecificationProperty(
                kms_master_key_id="alias/aws/dynamodb"
            ),
            point_in_time_recovery_specification=dynamodb.CfnGlobalTable.PointInTimeRecoverySpecificationProperty(
                point_in_time_recovery_enabled=True
            ),
            deletion_protection_enabled=True,
        )
    ]
    assert findings(stack) == {CMK: ["Bare/Table/Resource"]}


# Retain and deletion protection (protected environments only)


def test_destroy_policy_in_a_protected_environment_is_flagged():
    stack = bare_stack()
    table(stack, removal_policy=cdk.RemovalPolicy.DESTROY)
    assert findings(stack, protected=True) == {RETAIN: ["Bare/Table/Resource"]}


def test_missing_deletion_protection_in_a_protected_environment_is_flagged():
    stack = bare_stack()
    table(stack, deletion_protection=False)
    assert findings(stack, protected=True) == {RETAIN: ["Bare/Table/Resource"]}


def test_retained_and_protected_table_passes():
    stack = bare_stack()
    table(stack)
    assert RETAIN not in findings(stack, protected=True)


def test_dev_may_destroy_unprotected_tables():
    stack = bare_stack()
    table(stack, removal_policy=cdk.RemovalPolicy.DESTROY, deletion_protection=False)
    assert findings(stack, protected=False) == {}


# Backup membership (environments with a backup plan only)


def test_table_outside_every_selection_is_flagged():
    stack = bare_stack()
    table(stack)
    selected = table(stack, "Other")
    backup.BackupSelection(
        stack,
        "Selection",
        backup_plan=backup.BackupPlan.daily35_day_retention(stack, "Plan"),
        resources=[backup.BackupResource.from_arn(selected.table_arn)],
    )
    found = findings(stack, require_backup=True)
    assert found[BACKUP] == ["Bare/Table/Resource"]


def test_table_in_a_selection_of_its_stack_passes():
    stack = bare_stack()
    selected = table(stack)
    backup.BackupPlan.daily35_day_retention(stack, "Plan").add_selection(
        "Selection", resources=[backup.BackupResource.from_arn(selected.table_arn)]
    )
    assert findings(stack, require_backup=True) == {}


@pytest.mark.parametrize(
    ("pattern", "selected"),
    [
        ("arn:aws:dynamodb:us-east-1:123456789012:table/table-table", True),
        ("arn:aws:dynamodb:*:*:table/*", True),
        ("arn:aws:dynamodb:us-east-1:123456789012:table/other-table", False),
        ("arn:aws:dynamodb:eu-west-1:123456789012:table/table-table", False),
    ],
)
def test_literal_arns_and_wildcards_in_a_selection(pattern, selected):
    stack = bare_stack()
    table(stack)
    backup.BackupPlan.daily35_day_retention(stack, "Plan").add_selection(
        "Selection", resources=[backup.BackupResource.from_arn(pattern)]
    )
    assert (BACKUP not in findings(stack, require_backup=True)) is selected


def test_backup_rule_is_off_where_no_plan_is_required():
    stack = bare_stack()
    table(stack)
    assert findings(stack, require_backup=False) == {}


# The pack itself


def test_rules_ignore_other_resource_types():
    stack = bare_stack()
    dynamodb.Table(
        stack,
        "V1",
        partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
    )
    assert findings(stack, require_backup=True) == {}


def test_a_finding_can_be_acknowledged_with_its_rule_id():
    stack = bare_stack()
    unprotected = table(stack, point_in_time_recovery_specification=None)
    cdk.Validations.of(unprotected).acknowledge(
        cdk.Acknowledgment(id=PITR, reason="a scratch table rebuilt from its source every hour")
    )
    assert findings(stack) == {}


@pytest.mark.parametrize(
    ("env_name", "protected", "require_backup"),
    [("dev", False, False), ("staging", True, True), ("prod", True, True)],
)
def test_app_runs_the_pack_beside_aws_solutions(env_name, protected, require_backup):
    import app as entry_point
    from settings import load_from_cdk_json

    packs = entry_point.security_checks(cdk.App(), load_from_cdk_json(env_name))
    assert [type(pack) for pack in packs] == [AwsSolutionsChecks, DataLayerChecks]
    data_layer = packs[1]
    assert (data_layer._protected, data_layer._require_backup) == (protected, require_backup)


def test_synth_fails_on_a_data_layer_finding():
    """The pack as a Validations plugin (how app.py registers it) stops synth."""
    app = cdk.App()
    stack = cdk.Stack(
        app, "Plugged", env=cdk.Environment(account="123456789012", region="us-east-1")
    )
    table(stack, point_in_time_recovery_specification=None)
    cdk.Validations.of(app).add_plugins(DataLayerChecks(app, protected=True, require_backup=False))
    with pytest.raises(RuntimeError, match="DataLayer-GlobalTablePITR"):
        app.synth()


def test_the_pack_is_what_aws_solutions_misses():
    """AwsSolutions' DynamoDB rules (DDB3 PITR) skip GlobalTable; ours do not."""
    stack = bare_stack()
    table(stack, point_in_time_recovery_specification=None)
    report = AwsSolutionsChecks().validate_scope(stack)
    assert not [v for v in report.violations if "DDB" in v.rule_name]
    assert PITR in findings(stack)

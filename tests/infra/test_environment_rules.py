"""Every catalog table, in every environment, follows the environment's rules.

The table set and each table's billing come from the catalog and the environment's
settings, so adding a table needs no edit here; the seed tables' own shapes are
checked against the seed documents in tests/infra/test_seed_spec.py.
"""

from __future__ import annotations

import catalog
from tests.environment_tables import tables_by_name


def test_exactly_the_catalog_tables_under_env_names(environment):
    config = environment.config
    assert sorted(tables_by_name(environment)) == sorted(
        config.table_name(spec) for spec in catalog.TABLES
    )


def test_every_table_uses_the_environment_cmk_and_pitr(environment):
    keys_ = environment.resources("AWS::KMS::Key")
    assert len(keys_) == 1
    ((key_id, (_, key)),) = keys_.items()
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == key["UpdateReplacePolicy"] == "Retain"
    days = 35 if environment.config.name in ("staging", "prod") else 7
    for _, (_, table) in tables_by_name(environment).items():
        props = table["Properties"]
        assert props["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS"}
        (replica,) = props["Replicas"]
        assert replica["Region"] == environment.config.region
        assert replica["SSESpecification"]["KMSMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
        assert replica["PointInTimeRecoverySpecification"] == {
            "PointInTimeRecoveryEnabled": True,
            "RecoveryPeriodInDays": days,
        }


def test_protection_follows_the_environment(environment):
    protected = environment.config.name in ("staging", "prod")
    for _, (_, table) in tables_by_name(environment).items():
        expected_policy = "Retain" if protected else "Delete"
        assert table["DeletionPolicy"] == expected_policy
        assert table["UpdateReplacePolicy"] == expected_policy
        (replica,) = table["Properties"]["Replicas"]
        assert replica["DeletionProtectionEnabled"] is protected


def test_billing_is_on_demand_unless_the_spec_and_environment_both_ask(environment):
    config = environment.config
    tables = tables_by_name(environment)
    for spec in catalog.TABLES:
        props = tables[config.table_name(spec)][1]["Properties"]
        billing = spec.provisioned if config.provisioned_capacity else None
        assert props["BillingMode"] == ("PROVISIONED" if billing else "PAY_PER_REQUEST")
        if billing is None:
            continue
        write = props["WriteProvisionedThroughputSettings"]["WriteCapacityAutoScalingSettings"]
        read = props["Replicas"][0]["ReadProvisionedThroughputSettings"][
            "ReadCapacityAutoScalingSettings"
        ]
        assert (read["MinCapacity"], write["MinCapacity"]) == (
            billing.table.read,
            billing.table.write,
        )
        for settings in (read, write):
            assert settings["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 70
        for gsi in props["GlobalSecondaryIndexes"]:
            gsi_write = gsi["WriteProvisionedThroughputSettings"]
            assert gsi_write["WriteCapacityAutoScalingSettings"]["MinCapacity"] == (
                billing.index.write
            )
        for gsi in props["Replicas"][0]["GlobalSecondaryIndexes"]:
            gsi_read = gsi["ReadProvisionedThroughputSettings"]["ReadCapacityAutoScalingSettings"]
            assert gsi_read["MinCapacity"] == billing.index.read


def test_every_table_carries_the_environment_tag(environment):
    for _, (_, table) in tables_by_name(environment).items():
        tags = {t["Key"]: t["Value"] for t in table["Properties"]["Replicas"][0]["Tags"]}
        assert tags["Environment"] == environment.config.name


def test_every_table_name_and_arn_is_exported_per_environment(environment):
    env = environment.config.name
    exports = {}
    for stack_name, template in environment.templates.items():
        for output in template.get("Outputs", {}).values():
            if "Export" in output and isinstance(output["Export"]["Name"], str):
                exports[output["Export"]["Name"]] = (stack_name, output["Value"])
    tables = tables_by_name(environment)
    for spec in catalog.TABLES:
        stack, table = tables[environment.config.table_name(spec)]
        logical = next(
            lid for lid, r in environment.templates[stack]["Resources"].items() if r is table
        )
        stem = spec.construct_id
        assert exports[f"{env}-{stem}TableName"] == (stack, {"Ref": logical})
        assert exports[f"{env}-{stem}TableArn"] == (stack, {"Fn::GetAtt": [logical, "Arn"]})

"""Every seed table, in every environment, as the seeds specify it.

The expectations below are transcribed from the seed documents, not read
from the catalog, so a catalog mistake cannot hide behind itself.
"""

from __future__ import annotations

import pytest

import catalog

GLOBAL_TABLE = "AWS::DynamoDB::GlobalTable"

# base name -> (key schema, attribute types, {index: (keys, projection)}, ttl)
SEEDS = {
    "market_intelligence_requests": (
        [("request_id", "HASH")],
        {
            "request_id": "S",
            "user_id": "S",
            "project_id": "S",
            "status": "S",
            "created_at": "S",
            "priority": "S",
            "processing_strategy": "S",
        },
        {
            "user-index": ([("user_id", "HASH"), ("created_at", "RANGE")], "ALL"),
            "project-index": ([("project_id", "HASH"), ("created_at", "RANGE")], "ALL"),
            "status-index": ([("status", "HASH"), ("created_at", "RANGE")], "ALL"),
            "strategy-index": ([("processing_strategy", "HASH"), ("priority", "RANGE")], "ALL"),
        },
        "ttl",
    ),
    "request_processing_logs": (
        [("log_id", "HASH")],
        {"log_id": "S", "request_id": "S", "timestamp": "S"},
        {"request-logs-index": ([("request_id", "HASH"), ("timestamp", "RANGE")], "ALL")},
        "ttl",
    ),
    "ai-trade-matching-processing-status": (
        [("sessionId", "HASH")],
        {"sessionId": "S"},
        {},
        "expiresAt",
    ),
    "OpportunitySessions": (
        [("sessionId", "HASH"), ("opportunityId", "RANGE")],
        {
            "sessionId": "S",
            "opportunityId": "S",
            "status": "S",
            "priority": "S",
            "updatedAt": "S",
            "estimatedARR": "N",
        },
        {
            "StatusIndex": ([("status", "HASH"), ("updatedAt", "RANGE")], "ALL"),
            "PriorityIndex": ([("priority", "HASH"), ("estimatedARR", "RANGE")], "ALL"),
            # Ours, not the seed's: the lookup by id seed 003 could not do.
            "OpportunityIdIndex": ([("opportunityId", "HASH")], "ALL"),
        },
        "ttl",
    ),
    "agent-profiles": (
        [("id", "HASH")],
        {"id": "S", "job": "S", "location_city": "S"},
        {
            "job-index": ([("job", "HASH")], "ALL"),
            "location-index": ([("location_city", "HASH")], "ALL"),
        },
        None,
    ),
    "agent-conversations": (
        [("conversation_id", "HASH"), ("timestamp", "RANGE")],
        {"conversation_id": "S", "timestamp": "S", "agent_id": "S"},
        {"agent-conversations-index": ([("agent_id", "HASH")], "ALL")},
        None,
    ),
}
SEED_TAGS = {
    "ai-trade-matching-processing-status": {
        "Name": "Orchestrator Processing Status",
        "Component": "AgentCore",
        "Purpose": "Real-time workflow status tracking",
    },
    "OpportunitySessions": {"Application": "AssessmentCenter", "Component": "OpportunityAnalyzer"},
}


def tables_by_name(environment) -> dict[str, tuple[str, dict]]:
    return {
        resource["Properties"]["TableName"]: (stack, resource)
        for stack, resource in environment.resources(GLOBAL_TABLE).values()
    }


def keys(schema) -> list[tuple[str, str]]:
    return [(k["AttributeName"], k["KeyType"]) for k in schema]


def test_exactly_the_six_seed_tables_under_env_names(environment):
    env = environment.config.name
    assert sorted(tables_by_name(environment)) == sorted(f"{env}-{base}" for base in SEEDS)


@pytest.mark.parametrize("base", sorted(SEEDS))
def test_keys_types_indexes_and_projections_match_the_seeds(environment, base):
    key_schema, types, indexes, ttl = SEEDS[base]
    _, table = tables_by_name(environment)[f"{environment.config.name}-{base}"]
    props = table["Properties"]
    assert keys(props["KeySchema"]) == key_schema
    assert {a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]} == types
    actual = {
        gsi["IndexName"]: (keys(gsi["KeySchema"]), gsi["Projection"]["ProjectionType"])
        for gsi in props.get("GlobalSecondaryIndexes", [])
    }
    assert actual == indexes
    if ttl is None:
        assert "TimeToLiveSpecification" not in props
    else:
        assert props["TimeToLiveSpecification"] == {"AttributeName": ttl, "Enabled": True}


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


def test_billing_on_demand_except_agent_tables_in_prod(environment):
    env = environment.config.name
    for name, (_, table) in tables_by_name(environment).items():
        props = table["Properties"]
        provisioned = env == "prod" and name.startswith(f"{env}-agent-")
        assert props["BillingMode"] == ("PROVISIONED" if provisioned else "PAY_PER_REQUEST")
        if not provisioned:
            continue
        write = props["WriteProvisionedThroughputSettings"]["WriteCapacityAutoScalingSettings"]
        read = props["Replicas"][0]["ReadProvisionedThroughputSettings"][
            "ReadCapacityAutoScalingSettings"
        ]
        for settings in (read, write):
            assert settings["MinCapacity"] == 10
            assert settings["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 70
        for gsi in props["GlobalSecondaryIndexes"]:
            gsi_write = gsi["WriteProvisionedThroughputSettings"]
            assert gsi_write["WriteCapacityAutoScalingSettings"]["MinCapacity"] == 5
        for gsi in props["Replicas"][0]["GlobalSecondaryIndexes"]:
            gsi_read = gsi["ReadProvisionedThroughputSettings"]["ReadCapacityAutoScalingSettings"]
            assert gsi_read["MinCapacity"] == 5


@pytest.mark.parametrize("base", sorted(SEEDS))
def test_tags_are_the_seeds_plus_environment(environment, base):
    _, table = tables_by_name(environment)[f"{environment.config.name}-{base}"]
    tags = {t["Key"]: t["Value"] for t in table["Properties"]["Replicas"][0]["Tags"]}
    assert tags["Environment"] == environment.config.name
    for key, value in SEED_TAGS.get(base, {}).items():
        assert tags[key] == value


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
    assert f"{env}-OpportunitySessionsTableName" in exports

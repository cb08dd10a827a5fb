"""The seed tables, in every environment, as the seed documents specify them.

The expectations below are transcribed from the seed documents, not read
from the catalog, so a catalog mistake cannot hide behind itself. Each check
covers the seed tables the catalog holds: a table added later is not a seed
table and is left to the catalog-driven tests (tests/infra/test_environment_rules.py).
A seed table that disappears fails test_every_seed_table_is_still_in_the_catalog.
"""

from __future__ import annotations

import pytest

import catalog
from tests.environment_tables import keys, tables_by_name

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
# The applications the seeds describe (000/001, 002, 003, 004).
SEED_APPLICATIONS = (
    "root-orchestrator",
    "trade-matching",
    "opportunity-analyzer",
    "agent-matching",
)
SEED_TAGS = {
    "ai-trade-matching-processing-status": {
        "Name": "Orchestrator Processing Status",
        "Component": "AgentCore",
        "Purpose": "Real-time workflow status tracking",
    },
    "OpportunitySessions": {"Application": "AssessmentCenter", "Component": "OpportunityAnalyzer"},
}


def test_every_seed_table_is_still_in_the_catalog():
    """Removing or renaming a seed table is a decision, not an accident of a refactor."""
    assert set(SEEDS) <= {spec.key for spec in catalog.TABLES}
    assert set(SEED_APPLICATIONS) <= set(catalog.APPLICATIONS)


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


@pytest.mark.parametrize("base", sorted(SEEDS))
def test_tags_are_the_seeds_plus_environment(environment, base):
    _, table = tables_by_name(environment)[f"{environment.config.name}-{base}"]
    tags = {t["Key"]: t["Value"] for t in table["Properties"]["Replicas"][0]["Tags"]}
    assert tags["Environment"] == environment.config.name
    for key, value in SEED_TAGS.get(base, {}).items():
        assert tags[key] == value


@pytest.mark.parametrize("base", sorted(SEEDS))
def test_ttl_attributes_follow_the_seeds(base):
    *_, ttl = SEEDS[base]
    assert catalog.table(base).ttl_attribute == ttl


def test_only_seed_004_tables_carry_provisioned_capacity():
    provisioned = {key for key in SEEDS if catalog.table(key).provisioned}
    assert provisioned == {"agent-profiles", "agent-conversations"}
    for key in provisioned:
        billing = catalog.table(key).provisioned
        assert (billing.table.read, billing.table.write) == (10, 10)
        assert (billing.index.read, billing.index.write) == (5, 5)


def test_seed_004_tables_are_provisioned_in_prod_only(environment):
    env = environment.config.name
    tables = tables_by_name(environment)
    for key in ("agent-profiles", "agent-conversations"):
        _, table = tables[f"{env}-{key}"]
        expected = "PROVISIONED" if env == "prod" else "PAY_PER_REQUEST"
        assert table["Properties"]["BillingMode"] == expected


def test_seed_003_lookup_by_opportunity_id_has_its_own_index():
    spec = catalog.table("OpportunitySessions")
    index = spec.index("OpportunityIdIndex")
    assert index.partition_key.name == "opportunityId"
    _, pattern = catalog.access_patterns()["opportunity-by-id"]
    assert pattern.index == "OpportunityIdIndex"


def test_seed_003_table_keeps_its_export_name(environment):
    env = environment.config.name
    exports = {
        output["Export"]["Name"]
        for template in environment.templates.values()
        for output in template.get("Outputs", {}).values()
        if "Export" in output and isinstance(output["Export"]["Name"], str)
    }
    assert f"{env}-OpportunitySessionsTableName" in exports

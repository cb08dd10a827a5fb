"""Opportunity analyzer's sessions table: seed 003."""

from catalog.model import (
    AccessPattern,
    AttributeType,
    GlobalIndex,
    KeyAttribute,
    Operation,
    TableSpec,
)

APPLICATION = "opportunity-analyzer"

_S = AttributeType.STRING
OPPORTUNITY_ID = KeyAttribute("opportunityId", _S)

OPPORTUNITY_SESSIONS = TableSpec(
    key="OpportunitySessions",
    construct_id="OpportunitySessions",
    base_name="OpportunitySessions",
    application=APPLICATION,
    partition_key=KeyAttribute("sessionId", _S),
    sort_key=OPPORTUNITY_ID,
    global_indexes=(
        GlobalIndex(
            "StatusIndex", KeyAttribute("status", _S), KeyAttribute("updatedAt", _S), source="003"
        ),
        GlobalIndex(
            "PriorityIndex",
            KeyAttribute("priority", _S),
            KeyAttribute("estimatedARR", AttributeType.NUMBER),
            source="003",
        ),
        GlobalIndex(
            "OpportunityIdIndex",
            OPPORTUNITY_ID,
            source="ours: seed 003's getOpportunity/updateStatus need a lookup by id alone",
        ),
    ),
    ttl_attribute="ttl",
    tags=(("Application", "AssessmentCenter"), ("Component", "OpportunityAnalyzer")),
    access_patterns=(
        AccessPattern(
            name="session-opportunities",
            description="Every opportunity of one analysis session",
            operation=Operation.QUERY,
            key_condition="#sessionId = :sessionId",
            source="003 getOpportunities",
        ),
        AccessPattern(
            name="opportunities-by-status",
            description="Opportunities in one status across sessions, by updatedAt",
            operation=Operation.QUERY,
            index="StatusIndex",
            key_condition="#status = :status",
            source="003 StatusIndex use case",
        ),
        AccessPattern(
            name="high-priority-by-arr",
            description="High priority opportunities, largest estimatedARR first",
            operation=Operation.QUERY,
            index="PriorityIndex",
            key_condition="#priority = :priority",
            fixed=(("priority", "High"),),
            scan_forward=False,
            source="003 PriorityIndex use case",
        ),
        AccessPattern(
            name="opportunity-by-id",
            description="Find an opportunity (and its session) by opportunityId alone",
            operation=Operation.QUERY,
            index="OpportunityIdIndex",
            key_condition="#opportunityId = :opportunityId",
            source="003 getOpportunity 'requires GSI on opportunityId'",
        ),
    ),
    full_scan_uses=("opportunity analyzer list endpoint (seed 003 grants dynamodb:Scan)",),
    source="003",
    notes=(
        "OpportunityIdIndex projects ALL so getOpportunity is one Query; opportunity "
        "items are small (seed 003 estimates 5 KB) so the extra storage is negligible.",
    ),
)

TABLES = (OPPORTUNITY_SESSIONS,)

"""Opportunity analyzer's sessions table: seed 003."""

from catalog.model import AccessPattern, AttributeType, GlobalIndex, KeyAttribute, TableSpec

APPLICATION = "opportunity-analyzer"

_S = AttributeType.STRING
SESSION_ID = KeyAttribute("sessionId", _S)
OPPORTUNITY_ID = KeyAttribute("opportunityId", _S)
STATUS_INDEX = GlobalIndex(
    "StatusIndex", KeyAttribute("status", _S), KeyAttribute("updatedAt", _S), source="003"
)
PRIORITY_INDEX = GlobalIndex(
    "PriorityIndex",
    KeyAttribute("priority", _S),
    KeyAttribute("estimatedARR", AttributeType.NUMBER),
    source="003",
)
OPPORTUNITY_ID_INDEX = GlobalIndex(
    "OpportunityIdIndex",
    OPPORTUNITY_ID,
    source="ours: seed 003's getOpportunity/updateStatus need a lookup by id alone",
)

OPPORTUNITY_SESSIONS = TableSpec(
    key="OpportunitySessions",
    construct_id="OpportunitySessions",
    base_name="OpportunitySessions",
    application=APPLICATION,
    partition_key=SESSION_ID,
    sort_key=OPPORTUNITY_ID,
    global_indexes=(STATUS_INDEX, PRIORITY_INDEX, OPPORTUNITY_ID_INDEX),
    ttl_attribute="ttl",
    tags=(("Application", "AssessmentCenter"), ("Component", "OpportunityAnalyzer")),
    access_patterns=(
        AccessPattern.equality(
            on=SESSION_ID,
            name="session-opportunities",
            description="Every opportunity of one analysis session",
            source="003 getOpportunities",
        ),
        AccessPattern.equality(
            on=STATUS_INDEX,
            name="opportunities-by-status",
            description="Opportunities in one status across sessions, by updatedAt",
            source="003 StatusIndex use case",
        ),
        AccessPattern.equality(
            on=PRIORITY_INDEX,
            name="high-priority-by-arr",
            description="High priority opportunities, largest estimatedARR first",
            fixed_value="High",
            scan_forward=False,
            source="003 PriorityIndex use case",
        ),
        AccessPattern.equality(
            on=OPPORTUNITY_ID_INDEX,
            name="opportunity-by-id",
            description="Find an opportunity (and its session) by opportunityId alone",
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

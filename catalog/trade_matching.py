"""Trade matching's workflow status table: seed 002."""

from catalog.model import AccessPattern, AttributeType, KeyAttribute, Operation, TableSpec

APPLICATION = "trade-matching"

SESSION_ID = KeyAttribute("sessionId", AttributeType.STRING)

PROCESSING_STATUS = TableSpec(
    key="ai-trade-matching-processing-status",
    construct_id="ProcessingStatus",
    base_name="ai-trade-matching-processing-status",
    application=APPLICATION,
    partition_key=SESSION_ID,
    ttl_attribute="expiresAt",
    tags=(
        ("Name", "Orchestrator Processing Status"),
        ("Component", "AgentCore"),
        ("Purpose", "Real-time workflow status tracking"),
    ),
    access_patterns=(
        AccessPattern.equality(
            on=SESSION_ID,
            name="status-session",
            description="The status of one workflow session",
            operation=Operation.GET,
            source="002 'Verify the item was created'",
        ),
    ),
    source="002",
    notes=("expiresAt holds epoch seconds, 90 days after creation (seed 002).",),
)

TABLES = (PROCESSING_STATUS,)

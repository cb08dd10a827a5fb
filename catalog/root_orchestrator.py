"""Root Orchestrator tables: seed 000 (names, patterns) and seed 001 (exact specs)."""

from catalog.model import (
    AccessPattern,
    AttributeType,
    GlobalIndex,
    KeyAttribute,
    Operation,
    TableSpec,
)

APPLICATION = "root-orchestrator"

_S = AttributeType.STRING
REQUEST_ID = KeyAttribute("request_id", _S)
CREATED_AT = KeyAttribute("created_at", _S)
USER_INDEX = GlobalIndex("user-index", KeyAttribute("user_id", _S), CREATED_AT, source="001 GSI 1")
PROJECT_INDEX = GlobalIndex(
    "project-index", KeyAttribute("project_id", _S), CREATED_AT, source="001 GSI 2"
)
STATUS_INDEX = GlobalIndex(
    "status-index", KeyAttribute("status", _S), CREATED_AT, source="001 GSI 3"
)
STRATEGY_INDEX = GlobalIndex(
    "strategy-index",
    KeyAttribute("processing_strategy", _S),
    KeyAttribute("priority", _S),
    source="001 GSI 4",
)

MARKET_INTELLIGENCE_REQUESTS = TableSpec(
    key="market_intelligence_requests",
    construct_id="MarketIntelligenceRequests",
    base_name="market_intelligence_requests",
    application=APPLICATION,
    partition_key=REQUEST_ID,
    global_indexes=(USER_INDEX, PROJECT_INDEX, STATUS_INDEX, STRATEGY_INDEX),
    ttl_attribute="ttl",
    tags=(("Application", "RootOrchestrator"), ("Component", "MarketIntelligenceRequests")),
    access_patterns=(
        AccessPattern.equality(
            on=REQUEST_ID,
            name="request-by-id",
            description="Get one request by its id",
            operation=Operation.GET,
            source="000/001 'Get request by ID'",
        ),
        AccessPattern.equality(
            on=USER_INDEX,
            name="requests-by-user",
            description="A user's requests, oldest first",
            source="000/001 'Get requests by user'",
        ),
        AccessPattern.equality(
            on=PROJECT_INDEX,
            name="requests-by-project",
            description="A project's requests, oldest first",
            source="000 project-index",
        ),
        AccessPattern.equality(
            on=STATUS_INDEX,
            name="requests-by-status",
            description="Requests in one status, oldest first",
            source="000 status-index",
        ),
        AccessPattern.equality(
            on=STATUS_INDEX,
            name="pending-requests",
            description="Requests waiting to be processed, oldest first",
            fixed_value="pending",
            source="000/001 'Get pending requests'",
        ),
        AccessPattern.equality(
            on=STRATEGY_INDEX,
            name="table-strategy-by-priority",
            description="Table-strategy requests by priority, descending",
            fixed_value="table",
            scan_forward=False,
            source="000/001 'Get requests by priority for table strategy'",
        ),
    ),
    source="000, 001",
    notes=(
        "priority is a String sort key (high/medium/low), as seed 001 defines it, so "
        "'descending' is lexicographic (medium, low, high), not urgency order.",
    ),
)

LOG_ID = KeyAttribute("log_id", _S)
REQUEST_LOGS_INDEX = GlobalIndex(
    "request-logs-index", REQUEST_ID, KeyAttribute("timestamp", _S), source="001 logs GSI"
)

REQUEST_PROCESSING_LOGS = TableSpec(
    key="request_processing_logs",
    construct_id="RequestProcessingLogs",
    base_name="request_processing_logs",
    application=APPLICATION,
    partition_key=LOG_ID,
    global_indexes=(REQUEST_LOGS_INDEX,),
    ttl_attribute="ttl",
    tags=(("Application", "RootOrchestrator"), ("Component", "RequestProcessingLogs")),
    access_patterns=(
        AccessPattern.equality(
            on=LOG_ID,
            name="log-by-id",
            description="Get one log entry by its id",
            operation=Operation.GET,
            source="001 logs key",
        ),
        AccessPattern.equality(
            on=REQUEST_LOGS_INDEX,
            name="logs-by-request",
            description="A request's log entries in ascending timestamp order",
            source="000 'Get logs for a specific request'",
        ),
    ),
    source="000, 001",
)

TABLES = (MARKET_INTELLIGENCE_REQUESTS, REQUEST_PROCESSING_LOGS)

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

MARKET_INTELLIGENCE_REQUESTS = TableSpec(
    key="market_intelligence_requests",
    construct_id="MarketIntelligenceRequests",
    base_name="market_intelligence_requests",
    application=APPLICATION,
    partition_key=REQUEST_ID,
    global_indexes=(
        GlobalIndex("user-index", KeyAttribute("user_id", _S), CREATED_AT, source="001 GSI 1"),
        GlobalIndex(
            "project-index", KeyAttribute("project_id", _S), CREATED_AT, source="001 GSI 2"
        ),
        GlobalIndex("status-index", KeyAttribute("status", _S), CREATED_AT, source="001 GSI 3"),
        GlobalIndex(
            "strategy-index",
            KeyAttribute("processing_strategy", _S),
            KeyAttribute("priority", _S),
            source="001 GSI 4",
        ),
    ),
    ttl_attribute="ttl",
    tags=(("Application", "RootOrchestrator"), ("Component", "MarketIntelligenceRequests")),
    access_patterns=(
        AccessPattern(
            name="request-by-id",
            description="Get one request by its id",
            operation=Operation.GET,
            key_condition="#request_id = :request_id",
            source="000/001 'Get request by ID'",
        ),
        AccessPattern(
            name="requests-by-user",
            description="A user's requests, oldest first",
            operation=Operation.QUERY,
            index="user-index",
            key_condition="#user_id = :user_id",
            source="000/001 'Get requests by user'",
        ),
        AccessPattern(
            name="requests-by-project",
            description="A project's requests, oldest first",
            operation=Operation.QUERY,
            index="project-index",
            key_condition="#project_id = :project_id",
            source="000 project-index",
        ),
        AccessPattern(
            name="requests-by-status",
            description="Requests in one status, oldest first",
            operation=Operation.QUERY,
            index="status-index",
            key_condition="#status = :status",
            source="000 status-index",
        ),
        AccessPattern(
            name="pending-requests",
            description="Requests waiting to be processed, oldest first",
            operation=Operation.QUERY,
            index="status-index",
            key_condition="#status = :status",
            fixed=(("status", "pending"),),
            source="000/001 'Get pending requests'",
        ),
        AccessPattern(
            name="table-strategy-by-priority",
            description="Table-strategy requests by priority, descending",
            operation=Operation.QUERY,
            index="strategy-index",
            key_condition="#processing_strategy = :processing_strategy",
            fixed=(("processing_strategy", "table"),),
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

REQUEST_PROCESSING_LOGS = TableSpec(
    key="request_processing_logs",
    construct_id="RequestProcessingLogs",
    base_name="request_processing_logs",
    application=APPLICATION,
    partition_key=KeyAttribute("log_id", _S),
    global_indexes=(
        GlobalIndex(
            "request-logs-index", REQUEST_ID, KeyAttribute("timestamp", _S), source="001 logs GSI"
        ),
    ),
    ttl_attribute="ttl",
    tags=(("Application", "RootOrchestrator"), ("Component", "RequestProcessingLogs")),
    access_patterns=(
        AccessPattern(
            name="log-by-id",
            description="Get one log entry by its id",
            operation=Operation.GET,
            key_condition="#log_id = :log_id",
            source="001 logs key",
        ),
        AccessPattern(
            name="logs-by-request",
            description="A request's log entries in ascending timestamp order",
            operation=Operation.QUERY,
            index="request-logs-index",
            key_condition="#request_id = :request_id",
            scan_forward=True,
            source="000 'Get logs for a specific request'",
        ),
    ),
    source="000, 001",
)

TABLES = (MARKET_INTELLIGENCE_REQUESTS, REQUEST_PROCESSING_LOGS)

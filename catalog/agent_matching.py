"""Agent matching's profile and conversation tables: seed 004."""

from catalog.model import (
    AccessPattern,
    AttributeType,
    Capacity,
    GlobalIndex,
    KeyAttribute,
    Operation,
    ProvisionedBilling,
    TableSpec,
)

APPLICATION = "agent-matching"

_S = AttributeType.STRING
SEED_004_CAPACITY = ProvisionedBilling(
    table=Capacity(read=10, write=10),
    index=Capacity(read=5, write=5),
    source="004 'Current Configuration': 10 RCU / 10 WCU, GSIs 5 each",
)
_TAGS = (("Application", "AgentMatching"),)

AGENT_PROFILES = TableSpec(
    key="agent-profiles",
    construct_id="AgentProfiles",
    base_name="agent-profiles",
    application=APPLICATION,
    partition_key=KeyAttribute("id", _S),
    global_indexes=(
        GlobalIndex("job-index", KeyAttribute("job", _S), source="004"),
        GlobalIndex("location-index", KeyAttribute("location_city", _S), source="004"),
    ),
    provisioned=SEED_004_CAPACITY,
    tags=(*_TAGS, ("Component", "AgentProfiles")),
    access_patterns=(
        AccessPattern(
            name="agent-by-id",
            description="One agent profile (GET /retrieve/<id>)",
            operation=Operation.GET,
            key_condition="#id = :id",
            source="004 GET /retrieve/<id>",
        ),
        AccessPattern(
            name="agents-by-job",
            description="Agents with one job title",
            operation=Operation.QUERY,
            index="job-index",
            key_condition="#job = :job",
            source="004 job-index",
        ),
        AccessPattern(
            name="agents-by-city",
            description="Agents in one city (location_city)",
            operation=Operation.QUERY,
            index="location-index",
            key_condition="#location_city = :location_city",
            source="004 location-index",
        ),
    ),
    full_scan_uses=("agent server GET /list (seed 004)",),
    source="004",
)

AGENT_CONVERSATIONS = TableSpec(
    key="agent-conversations",
    construct_id="AgentConversations",
    base_name="agent-conversations",
    application=APPLICATION,
    partition_key=KeyAttribute("conversation_id", _S),
    sort_key=KeyAttribute("timestamp", _S),
    global_indexes=(
        GlobalIndex("agent-conversations-index", KeyAttribute("agent_id", _S), source="004"),
    ),
    provisioned=SEED_004_CAPACITY,
    tags=(*_TAGS, ("Component", "AgentConversations")),
    access_patterns=(
        AccessPattern(
            name="conversation-by-id",
            description="One conversation's messages in time order (GET /conversation/<id>)",
            operation=Operation.QUERY,
            key_condition="#conversation_id = :conversation_id",
            source="004 GET /conversation/<id>",
        ),
        AccessPattern(
            name="agent-conversations",
            description="All conversation messages of one agent",
            operation=Operation.QUERY,
            index="agent-conversations-index",
            key_condition="#agent_id = :agent_id",
            source="004 GET /agent/<id>/conversations",
        ),
    ),
    source="004",
)

TABLES = (AGENT_PROFILES, AGENT_CONVERSATIONS)

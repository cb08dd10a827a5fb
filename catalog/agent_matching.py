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

AGENT_ID = KeyAttribute("id", _S)
JOB_INDEX = GlobalIndex("job-index", KeyAttribute("job", _S), source="004")
LOCATION_INDEX = GlobalIndex("location-index", KeyAttribute("location_city", _S), source="004")

AGENT_PROFILES = TableSpec(
    key="agent-profiles",
    construct_id="AgentProfiles",
    base_name="agent-profiles",
    application=APPLICATION,
    partition_key=AGENT_ID,
    global_indexes=(JOB_INDEX, LOCATION_INDEX),
    provisioned=SEED_004_CAPACITY,
    tags=(*_TAGS, ("Component", "AgentProfiles")),
    access_patterns=(
        AccessPattern.equality(
            on=AGENT_ID,
            name="agent-by-id",
            description="One agent profile (GET /retrieve/<id>)",
            operation=Operation.GET,
            source="004 GET /retrieve/<id>",
        ),
        AccessPattern.equality(
            on=JOB_INDEX,
            name="agents-by-job",
            description="Agents with one job title",
            source="004 job-index",
        ),
        AccessPattern.equality(
            on=LOCATION_INDEX,
            name="agents-by-city",
            description="Agents in one city (location_city)",
            source="004 location-index",
        ),
    ),
    full_scan_uses=("agent server GET /list (seed 004)",),
    source="004",
)

CONVERSATION_ID = KeyAttribute("conversation_id", _S)
AGENT_CONVERSATIONS_INDEX = GlobalIndex(
    "agent-conversations-index", KeyAttribute("agent_id", _S), source="004"
)

AGENT_CONVERSATIONS = TableSpec(
    key="agent-conversations",
    construct_id="AgentConversations",
    base_name="agent-conversations",
    application=APPLICATION,
    partition_key=CONVERSATION_ID,
    sort_key=KeyAttribute("timestamp", _S),
    global_indexes=(AGENT_CONVERSATIONS_INDEX,),
    provisioned=SEED_004_CAPACITY,
    tags=(*_TAGS, ("Component", "AgentConversations")),
    access_patterns=(
        AccessPattern.equality(
            on=CONVERSATION_ID,
            name="conversation-by-id",
            description="One conversation's messages in time order (GET /conversation/<id>)",
            source="004 GET /conversation/<id>",
        ),
        AccessPattern.equality(
            on=AGENT_CONVERSATIONS_INDEX,
            name="agent-conversations",
            description="All conversation messages of one agent",
            source="004 GET /agent/<id>/conversations",
        ),
    ),
    source="004",
)

TABLES = (AGENT_PROFILES, AGENT_CONVERSATIONS)

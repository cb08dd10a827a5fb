"""Agent matching samples: profiles across jobs and cities, and one conversation (seed 004).

Profiles follow seed 004's ``agent-profiles`` attributes; ``location_city``
feeds ``location-index`` and ``job`` feeds ``job-index``. The agent tables
have no TTL.
"""

from decimal import Decimal


def _profile(
    agent_id: str,
    *,
    name: str,
    address: str,
    job: str,
    average_price: Decimal,
    tags: list[str],
    city: str,
    country: str,
    description: str,
    timestamp: str,
) -> dict:
    original = {"name": name, "job": job, "city": city, "price": average_price, "tags": tags}
    return {
        "id": agent_id,
        "name": name,
        "address": address,
        "job": job,
        "averagePrice": average_price,
        "tags": tags,
        "location": [city, country],
        "location_city": city,
        "description": description,
        "timestamp": timestamp,
        "profile_data": original,
    }


PROFILES = (
    _profile(
        "agent-sample-001",
        name="Ana Torres",
        address="12 Pike St, Seattle, WA",
        job="plumber",
        average_price=Decimal("85.00"),
        tags=["emergency", "residential"],
        city="Seattle",
        country="USA",
        description="Licensed plumber, 12 years of residential repairs.",
        timestamp="2024-03-01T09:00:00Z",
    ),
    _profile(
        "agent-sample-002",
        name="Ben Okafor",
        address="400 Congress Ave, Austin, TX",
        job="electrician",
        average_price=Decimal("95.50"),
        tags=["commercial", "solar"],
        city="Austin",
        country="USA",
        description="Commercial electrician and solar installer.",
        timestamp="2024-03-01T09:05:00Z",
    ),
    _profile(
        "agent-sample-003",
        name="Chloe Martin",
        address="88 Rainier Ave, Seattle, WA",
        job="electrician",
        average_price=Decimal("90.00"),
        tags=["residential", "ev-chargers"],
        city="Seattle",
        country="USA",
        description="Installs home EV chargers and panel upgrades.",
        timestamp="2024-03-01T09:10:00Z",
    ),
    _profile(
        "agent-sample-004",
        name="Diego Ruiz",
        address="Calle de Alcala 50, Madrid",
        job="tutor",
        average_price=Decimal("30.00"),
        tags=["mathematics", "spanish"],
        city="Madrid",
        country="Spain",
        description="Secondary-school mathematics tutor, in English or Spanish.",
        timestamp="2024-03-01T09:15:00Z",
    ),
)

CONVERSATION_ID = "conv-sample-001"


def _message(timestamp: str, sender: str, message: str) -> dict:
    return {
        "conversation_id": CONVERSATION_ID,
        "timestamp": timestamp,
        "agent_id": "agent-sample-001",
        "sender": sender,
        "message": message,
    }


CONVERSATION = (
    _message(
        "2024-03-02T18:00:00Z", "user", "Hi Ana, my kitchen sink is leaking under the cabinet."
    ),
    _message("2024-03-02T18:02:30Z", "agent", "I can come tomorrow at 9am. Is the leak constant?"),
    _message("2024-03-02T18:04:10Z", "user", "Only when the tap runs. Tomorrow at 9 works."),
)

SAMPLES = {"agent-profiles": PROFILES, "agent-conversations": CONVERSATION}

"""Opportunity analyzer samples: two analysis sessions, opportunities in several
statuses and priorities (seed 003's ``Opportunity`` shape).

``opportunityId`` values are fixed UUIDs so seeding stays idempotent. ``ttl``
is a fixed far-future epoch: seed 003 stamps "now + 30 days", which would make
the samples vanish a month after each deploy and change the data hash on every
synth.
"""

SESSION_ACME = "sample-session-acme-2024-01"
SESSION_GLOBEX = "sample-session-globex-2024-02"
NEVER_EXPIRES = 4102444800  # 2100-01-01T00:00:00Z, epoch seconds


def _opportunity(
    session_id: str,
    opportunity_id: str,
    *,
    title: str,
    priority: str,
    estimated_arr: int,
    status: str,
    reasoning: str,
    talking_points: list[str],
    next_steps: list[str],
    related_services: list[str],
    created_at: str,
    updated_at: str,
) -> dict:
    return {
        "sessionId": session_id,
        "opportunityId": opportunity_id,
        "title": title,
        "priority": priority,
        "estimatedARR": estimated_arr,
        "reasoning": reasoning,
        "talkingPoints": talking_points,
        "nextSteps": next_steps,
        "relatedServices": related_services,
        "status": status,
        "createdAt": created_at,
        "updatedAt": updated_at,
        "ttl": NEVER_EXPIRES,
    }


OPPORTUNITIES = (
    _opportunity(
        SESSION_ACME,
        "3f6c1a52-8d0e-4b7a-9c41-2a5e7d9b1c01",
        title="Migrate on-premises Oracle to Amazon Aurora PostgreSQL",
        priority="High",
        estimated_arr=180000,
        status="Nueva",
        reasoning="MPA shows 40 Oracle cores with licences renewing in Q3.",
        talking_points=["Licence renewal in Q3", "Babelfish eases the SQL port"],
        next_steps=["Schedule a migration assessment", "Share the DMS playbook"],
        related_services=["Amazon Aurora", "AWS DMS", "AWS SCT"],
        created_at="2024-01-15T10:00:00Z",
        updated_at="2024-01-15T10:00:00Z",
    ),
    _opportunity(
        SESSION_ACME,
        "3f6c1a52-8d0e-4b7a-9c41-2a5e7d9b1c02",
        title="Right-size EC2 fleet with Compute Optimizer and Savings Plans",
        priority="Medium",
        estimated_arr=45000,
        status="En Progreso",
        reasoning="MRA reports average CPU below 15% on 120 instances.",
        talking_points=["Idle capacity", "Graviton price-performance"],
        next_steps=["Enable Compute Optimizer", "Model a 1-year Savings Plan"],
        related_services=["AWS Compute Optimizer", "Savings Plans", "Amazon EC2"],
        created_at="2024-01-15T10:00:01Z",
        updated_at="2024-01-22T09:30:00Z",
    ),
    _opportunity(
        SESSION_ACME,
        "3f6c1a52-8d0e-4b7a-9c41-2a5e7d9b1c03",
        title="Centralise backups with AWS Backup",
        priority="Low",
        estimated_arr=12000,
        status="Cerrada",
        reasoning="Backups are scripted per team with no retention policy.",
        talking_points=["Compliance reporting", "Cross-account vaults"],
        next_steps=["Closed: customer chose to keep the current tooling"],
        related_services=["AWS Backup"],
        created_at="2024-01-15T10:00:02Z",
        updated_at="2024-02-01T16:45:00Z",
    ),
    _opportunity(
        SESSION_GLOBEX,
        "8b2d4e61-5f3a-4c9e-a7d2-6e1f0b3c4d01",
        title="Modernise the data warehouse on Amazon Redshift Serverless",
        priority="High",
        estimated_arr=240000,
        status="En Progreso",
        reasoning="MPA lists a 60 TB on-premises warehouse near end of support.",
        talking_points=["End-of-support hardware", "Pay per query"],
        next_steps=["Run a proof of concept on a 5 TB extract"],
        related_services=["Amazon Redshift", "AWS Glue"],
        created_at="2024-02-05T14:20:00Z",
        updated_at="2024-02-12T11:05:00Z",
    ),
    _opportunity(
        SESSION_GLOBEX,
        "8b2d4e61-5f3a-4c9e-a7d2-6e1f0b3c4d02",
        title="Add Amazon GuardDuty across all accounts",
        priority="Medium",
        estimated_arr=30000,
        status="Nueva",
        reasoning="MRA finds no threat detection in 14 of 16 accounts.",
        talking_points=["Organisation-wide enablement", "30-day free trial"],
        next_steps=["Enable GuardDuty in the security account"],
        related_services=["Amazon GuardDuty", "AWS Organizations"],
        created_at="2024-02-05T14:20:01Z",
        updated_at="2024-02-05T14:20:01Z",
    ),
)

SAMPLES = {"OpportunitySessions": OPPORTUNITIES}

"""Trade matching sample: one workflow's status with seed 002's agent status objects.

Keys and identifiers are seed 002's verification item (``test-session-123``,
``test-corr-123``, created ``2025-12-24T12:00:00Z``). Its ``expiresAt``
(1735123200, December 2024) is already past, so DynamoDB's TTL would delete
the item within days of seeding; the sample uses a fixed far-future value
instead, which keeps the attribute's shape and keeps seeding deterministic.
"""

from decimal import Decimal

SESSION_ID = "test-session-123"
NEVER_EXPIRES = 4102444800  # 2100-01-01T00:00:00Z, epoch seconds


def _tokens(inputs: int, outputs: int) -> dict:
    return {"inputTokens": inputs, "outputTokens": outputs, "totalTokens": inputs + outputs}


PROCESSING_STATUS = {
    "sessionId": SESSION_ID,
    "correlationId": "test-corr-123",
    "documentId": "BANK/test-trade-confirmation-001.pdf",
    "sourceType": "BANK",
    "overallStatus": "processing",
    "pdfAdapter": {
        "status": "success",
        "activity": "Converted the PDF to text and page images",
        "startedAt": "2025-12-24T12:00:00Z",
        "completedAt": "2025-12-24T12:00:08Z",
        "duration": Decimal("8.412"),
        "tokenUsage": _tokens(0, 0),
    },
    "tradeExtraction": {
        "status": "success",
        "activity": "Extracted 14 trade fields",
        "startedAt": "2025-12-24T12:00:08Z",
        "completedAt": "2025-12-24T12:00:25Z",
        # Seed 002's example agent status object.
        "duration": Decimal("17.095"),
        "tokenUsage": _tokens(11689, 2480),
    },
    "tradeMatching": {
        "status": "in-progress",
        "activity": "Matching against counterparty confirmations",
        "startedAt": "2025-12-24T12:00:25Z",
    },
    "exceptionManagement": {
        "status": "pending",
        "activity": "Waiting for trade matching",
    },
    "totalTokenUsage": _tokens(11689, 2480),
    "totalDuration": Decimal("25.507"),
    "createdAt": "2025-12-24T12:00:00Z",
    "lastUpdated": "2025-12-24T12:00:25Z",
    "expiresAt": NEVER_EXPIRES,
}

SAMPLES = {"ai-trade-matching-processing-status": (PROCESSING_STATUS,)}

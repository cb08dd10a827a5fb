"""The seeds' own boto3 lookups, verbatim but for the ``dev-`` prefix, as call arguments.

Two integration modules replay them against DynamoDB Local (after ``ddbctl local
up`` and after ``ddbctl seed``); keeping them here means each seed snippet is
transcribed once. They are written as the seeds write them, not derived from the
catalog: they are the check that the catalog's tables answer the seeds' calls.
"""

from __future__ import annotations

from typing import Any

REQUEST_ID = "req_1757412789250_a08ac7ad"
USER_ID = "test-user-123"
REQUESTS = "dev-market_intelligence_requests"

# Seed 000 "Common Queries" and seed 001 "Get request by ID".
GET_REQUEST: dict[str, Any] = {"TableName": REQUESTS, "Key": {"request_id": {"S": REQUEST_ID}}}
REQUESTS_BY_USER: dict[str, Any] = {
    "TableName": REQUESTS,
    "IndexName": "user-index",
    "KeyConditionExpression": "user_id = :user_id",
    "ExpressionAttributeValues": {":user_id": {"S": USER_ID}},
}
PENDING_REQUESTS: dict[str, Any] = {
    "TableName": REQUESTS,
    "IndexName": "status-index",
    "KeyConditionExpression": "#status = :status",
    "ExpressionAttributeNames": {"#status": "status"},
    "ExpressionAttributeValues": {":status": {"S": "pending"}},
}
TABLE_STRATEGY_BY_PRIORITY: dict[str, Any] = {
    "TableName": REQUESTS,
    "IndexName": "strategy-index",
    "KeyConditionExpression": "processing_strategy = :strategy",
    "ExpressionAttributeValues": {":strategy": {"S": "table"}},
    "ScanIndexForward": False,
}
# Seed 000 "Get logs for a specific request".
LOGS_FOR_REQUEST: dict[str, Any] = {
    "TableName": "dev-request_processing_logs",
    "IndexName": "request-logs-index",
    "KeyConditionExpression": "request_id = :request_id",
    "ExpressionAttributeValues": {":request_id": {"S": REQUEST_ID}},
    "ScanIndexForward": True,
}
# Seed 003's PriorityIndex use case: high-priority opportunities, largest ARR first.
HIGH_PRIORITY_BY_ARR: dict[str, Any] = {
    "TableName": "dev-OpportunitySessions",
    "IndexName": "PriorityIndex",
    "KeyConditionExpression": "priority = :priority",
    "ExpressionAttributeValues": {":priority": {"S": "High"}},
    "ScanIndexForward": False,
}


def request_ids(response: dict[str, Any]) -> list[str]:
    """The ``request_id`` of each item a query returned, in order."""
    return [item["request_id"]["S"] for item in response["Items"]]

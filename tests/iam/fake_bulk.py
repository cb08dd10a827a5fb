"""DynamoDB's bulk put, stood in for: neither moto nor DynamoDB Local has it.

Installed as a ``before-call`` handler on boto3's default session, it answers
StartBulkPutItems, DescribeBulkOperation, CancelBulkOperation and ListBulkOperations
and does the work for real against moto: it reads the input objects (DynamoDB JSON
lines, gzip or plain) from S3 and writes each item into the table. Its own S3 and
DynamoDB calls go through a session of its own, so they are never recorded as the
command's. Operation ARNs sit under their table, ``{table ARN}/bulk-operation/{id}``:
AWS publishes no format (docs/decisions.md).
"""

from __future__ import annotations

import gzip
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse

OPERATIONS = ("StartBulkPutItems", "DescribeBulkOperation", "CancelBulkOperation")
OPERATIONS += ("ListBulkOperations",)
_PARAMS = "fake_bulk_params"


class FakeBulkPut:
    def __init__(self, *, session: boto3.session.Session) -> None:
        self._dynamodb = session.client("dynamodb")
        self._s3 = session.client("s3")
        self.operations: dict[str, dict[str, Any]] = {}
        self._by_token: dict[str, str] = {}

    def install(self, session: boto3.session.Session) -> None:
        for operation in OPERATIONS:
            # before-call sees the wire request only: keep the call's own parameters first.
            session.events.register(f"before-parameter-build.dynamodb.{operation}", self._keep)
            session.events.register(f"before-call.dynamodb.{operation}", self._answer)

    @staticmethod
    def _keep(params, context, **_):
        context[_PARAMS] = dict(params)

    def _answer(self, model, context, **_):
        handler = getattr(self, f"_{model.name}")
        try:
            return AWSResponse(None, 200, {}, None), handler(context[_PARAMS])
        except LookupError as missing:
            error = {"Code": "ResourceNotFoundException", "Message": str(missing)}
            return AWSResponse(None, 400, {}, None), {
                "Error": error,
                "ResponseMetadata": {"HTTPStatusCode": 400},
            }

    def start(self, params: dict[str, Any]) -> dict[str, Any]:
        """StartBulkPutItems, called directly: an operation that exists before a command."""
        return self._StartBulkPutItems(params)

    def _StartBulkPutItems(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        token = params.get("ClientToken", str(uuid.uuid4()))
        if token in self._by_token:
            return {"BulkOperationDescription": self.operations[self._by_token[token]]}
        table = self._dynamodb.describe_table(TableName=params["TableName"])["Table"]
        source = params["InputS3Configuration"]
        written = 0
        for key in self._keys(source["S3Bucket"], source.get("S3KeyPrefix", "")):
            body = self._s3.get_object(Bucket=source["S3Bucket"], Key=key)["Body"].read()
            if source.get("InputCompressionType") == "GZIP" or key.endswith(".gz"):
                body = gzip.decompress(body)
            for line in body.splitlines():
                if line.strip():
                    item = json.loads(line)["Item"]
                    self._dynamodb.put_item(TableName=table["TableName"], Item=item)
                    written += 1
        arn = f"{table['TableArn']}/bulk-operation/{uuid.uuid4().hex}"
        now = datetime.now(UTC)
        self.operations[arn] = {
            "BulkOperationArn": arn,
            "BulkOperationStatus": "COMPLETED",
            "TableDetails": [
                {"TableName": table["TableName"], "TableId": table.get("TableId", "-")}
            ],
            "ClientToken": token,
            "InputS3Configuration": source,
            "OutputS3Configuration": params["OutputS3Configuration"],
            "StartTime": now,
            "EndTime": now,
            "ProcessedItemCount": written,
            "FailedItemCount": 0,
        }
        self._by_token[token] = arn
        return {"BulkOperationDescription": self.operations[arn]}

    def _keys(self, bucket: str, prefix: str) -> list[str]:
        pages = self._s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        return [entry["Key"] for page in pages for entry in page.get("Contents", [])]

    def _DescribeBulkOperation(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return {"BulkOperationDescription": self._operation(params["BulkOperationArn"])}

    def _CancelBulkOperation(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        operation = self._operation(params["BulkOperationArn"])
        if operation["BulkOperationStatus"] == "IN_PROGRESS":
            operation["BulkOperationStatus"] = "CANCELLED"
        return {
            "BulkOperationArn": operation["BulkOperationArn"],
            "BulkOperationStatus": "CANCELLING",
        }

    def _ListBulkOperations(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        summaries = [
            {
                key: operation[key]
                for key in ("BulkOperationArn", "BulkOperationStatus", "StartTime")
            }
            for operation in self.operations.values()
        ]
        return {"BulkOperationsSummaryList": summaries}

    def _operation(self, arn: str) -> dict[str, Any]:
        if arn not in self.operations:
            raise LookupError(f"no bulk operation {arn}")
        return self.operations[arn]

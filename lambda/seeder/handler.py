"""Seeder Lambda: the CDK Provider framework's ``onEvent`` handler for sample data.

Deployed with exactly the ``ddbio`` and ``catalog`` modules it imports beside it
(see ``cdk_constructs/sample_data_seeder.py``), so ``ddbctl seed`` and this
function run the same ``ddbio.seeding`` core. boto3 is the runtime's own.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from ddbio import dynamodb_client
from ddbio.seeding import handle_event

logging.getLogger().setLevel(logging.INFO)


def on_event(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Synchronous: raising makes the framework answer CloudFormation with FAILED."""
    logging.info("%s %s", event.get("RequestType"), event.get("LogicalResourceId", "sample data"))
    return handle_event(event, client=dynamodb_client(region=os.environ["AWS_REGION"]))

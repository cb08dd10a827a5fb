"""Fixtures the seeder's unit tests share."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

import catalog
from ddbctl.table_definitions import create_table
from settings import load_from_cdk_json


@pytest.fixture
def client():
    """In-process moto with every catalog table under its dev name."""
    config = load_from_cdk_json("dev")
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        for spec in catalog.TABLES:
            create_table(dynamodb, spec, table_name=config.table_name(spec))
        yield dynamodb

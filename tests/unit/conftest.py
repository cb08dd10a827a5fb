"""The unit tier's one rule that a test can check: nothing here synthesizes."""

from __future__ import annotations

import sys

import pytest


@pytest.fixture(autouse=True, scope="session")
def _no_cdk_in_the_unit_tier():
    """Importing aws_cdk starts a jsii kernel (seconds per worker); a test that needs it
    is an infra test."""
    yield
    if "aws_cdk" in sys.modules:
        pytest.fail(
            "a unit test imported aws_cdk: move it to tests/infra (the unit tier never synthesizes)"
        )

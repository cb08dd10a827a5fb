"""The unit tier's one rule that a test can check: nothing here synthesizes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

UNIT_TIER = Path(__file__).resolve().parent


@pytest.fixture(autouse=True, scope="session")
def _no_cdk_in_the_unit_tier(request: pytest.FixtureRequest):
    """Importing aws_cdk starts a jsii kernel (seconds per worker); a test that needs it
    is an infra test. Checked where the unit tier runs alone (``make unit``): a run that
    also collects infra tests imports aws_cdk for them."""
    yield
    alone = all(UNIT_TIER in Path(item.path).resolve().parents for item in request.session.items)
    if alone and "aws_cdk" in sys.modules:
        pytest.fail(
            "a unit test imported aws_cdk: move it to tests/infra (the unit tier never synthesizes)"
        )

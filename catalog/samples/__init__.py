"""Development sample data, one module per application, keyed by catalog table key.

Plain Python values (``str``, ``int``, ``Decimal``, ``bool``, ``None``,
``bytes``, lists and dicts): no floats, because boto3 refuses them. Every key
is fixed, so seeding the same data twice leaves the same items.
"""

from __future__ import annotations

from typing import Any

from catalog.samples import agent_matching, opportunity_analyzer, root_orchestrator, trade_matching
from catalog.samples.validation import SampleDataError, item_problems, validate_samples

Item = dict[str, Any]

SAMPLES: dict[str, tuple[Item, ...]] = {
    **root_orchestrator.SAMPLES,
    **trade_matching.SAMPLES,
    **opportunity_analyzer.SAMPLES,
    **agent_matching.SAMPLES,
}

__all__ = ["SAMPLES", "Item", "SampleDataError", "item_problems", "validate_samples"]

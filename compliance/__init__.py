"""Compliance tooling beyond cdk-nag's packs: our GlobalTable rules and scanner skips."""

from compliance.data_layer_checks import DataLayerChecks

__all__ = ["DataLayerChecks"]

"""Reusable constructs. Not named ``constructs`` so the library of that name stays importable."""

from cdk_constructs.data_key import DataKey
from cdk_constructs.data_table import DataTable

__all__ = ["DataKey", "DataTable"]

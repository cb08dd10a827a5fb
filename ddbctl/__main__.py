"""``python -m ddbctl``: the same entry point as the ``ddbctl`` console script."""

from ddbctl.launch import launch

launch()

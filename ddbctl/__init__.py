"""``python -m ddbctl``: the data-plane command line for the catalog's tables."""

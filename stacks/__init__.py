"""Stacks: per-environment composition of the constructs."""

"""Subcommands. Add a module here and list it in COMMANDS."""

from ddbctl.commands import check_changes, check_diff, seed, tables

COMMANDS = (tables, seed, check_changes, check_diff)

"""Subcommands. Add a module here and list it in COMMANDS."""

from ddbctl.commands import check_changes, check_diff, tables

COMMANDS = (tables, check_changes, check_diff)

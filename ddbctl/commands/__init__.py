"""Subcommands. Add a module here and list it in COMMANDS."""

from ddbctl.commands import seed, tables

COMMANDS = (tables, seed)

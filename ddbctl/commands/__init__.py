"""Subcommands. Add a module here and list it in COMMANDS."""

from ddbctl.commands import tables

COMMANDS = (tables,)

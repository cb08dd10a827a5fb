"""Subcommands. Add a module here and list it in COMMANDS."""

from ddbctl.commands import local, query, tables, verify

COMMANDS = (tables, local, query, verify)

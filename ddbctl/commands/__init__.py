"""Subcommands. Add a module here and list it in COMMANDS."""

from ddbctl.commands import migrate_profiles, tables

COMMANDS = (tables, migrate_profiles)

"""Subcommands. Add a module here and list it in COMMANDS."""

from ddbctl.commands import check_changes, check_diff, migrate_profiles, seed, tables

COMMANDS = (tables, seed, migrate_profiles, check_changes, check_diff)

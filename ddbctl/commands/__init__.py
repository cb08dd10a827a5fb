"""Subcommands. Add a module here and list it in COMMANDS."""

from ddbctl.commands import (
    bulk,
    check_changes,
    check_diff,
    cost,
    local,
    migrate_profiles,
    query,
    seed,
    tables,
    verify,
)

COMMANDS = (
    tables,
    local,
    query,
    verify,
    seed,
    migrate_profiles,
    check_changes,
    check_diff,
    bulk,
    cost,
)

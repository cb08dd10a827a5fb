"""Subcommands. Add a module here and list it in COMMANDS."""

from ddbctl.commands import (
    bulk,
    check_changes,
    check_diff,
    copy,
    cost,
    local,
    migrate_profiles,
    query,
    restore,
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
    restore,
    copy,
    check_changes,
    check_diff,
    bulk,
    cost,
)

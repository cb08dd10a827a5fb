"""Subcommands. Add a module here and list it in COMMANDS."""

from ddbctl.commands import (
    check_changes,
    check_diff,
    copy,
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
)

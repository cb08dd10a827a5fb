"""When AWS denies a call, ``ddbctl`` names the role the docs give the command."""

from __future__ import annotations

import pytest

from catalog.commands import COMMAND_ROLES, roles_for
from ddbctl.cli import build_parser, main
from ddbctl.context import CommandContext


@pytest.fixture
def denied(stubbed, monkeypatch):
    client, stubber = stubbed
    monkeypatch.setattr(CommandContext, "client", lambda self, **options: client)
    return stubber


def test_a_denied_call_names_the_commands_roles_in_one_line(denied, capsys):
    denied.add_client_error(
        "list_bulk_operations", service_error_code="AccessDeniedException", http_status_code=400
    )
    assert main(["bulk", "list", "--env", "dev"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("ddbctl bulk: error: An error occurred (AccessDeniedException)")
    assert line.endswith(
        ": run `ddbctl bulk` as the environment's profile-migration-operator role or the "
        "environment's recovery-operator role (docs/access.md lists each command's role)"
    )


def test_another_error_gets_no_role_hint(denied, capsys):
    denied.add_client_error(
        "list_bulk_operations", service_error_code="ThrottlingException", http_status_code=400
    )
    assert main(["bulk", "list", "--env", "dev"]) == 1
    assert "docs/access.md" not in capsys.readouterr().err


def test_every_subcommand_has_a_row_in_the_roles_table():
    subcommands = set(build_parser()._subparsers._group_actions[0].choices)
    assert {entry.command for entry in COMMAND_ROLES} == subcommands
    assert roles_for("tables") == ()
    assert roles_for("restore") == ("recovery-operator",)

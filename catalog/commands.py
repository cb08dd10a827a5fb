"""Which role runs each ``ddbctl`` command against AWS: the one table of it.

The access document shows it (``make docs``), ``ddbctl`` names the role when AWS denies
a call, and the permission tests run each command with exactly this role's synthesized
policy. A command with no roles never reaches AWS.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog.consumers import (
    DATA_READER,
    DEPLOYMENT_VERIFIER,
    PROFILE_MIGRATION_OPERATOR,
    RECOVERY_OPERATOR,
)

_OPERATORS = (PROFILE_MIGRATION_OPERATOR.id, RECOVERY_OPERATOR.id)


@dataclass(frozen=True)
class CommandRole:
    """One documented way of running a ``ddbctl`` command, and the roles that run it.

    ``usage`` is the command as typed after ``ddbctl`` (its first word is the
    subcommand); ``roles`` are consumer ids, any one of which suffices.
    """

    usage: str
    roles: tuple[str, ...]
    why: str

    @property
    def command(self) -> str:
        return self.usage.split()[0]


COMMAND_ROLES: tuple[CommandRole, ...] = (
    CommandRole("tables", (), "reads the catalog only"),
    CommandRole("local up / status / down", (), "runs a server on this machine"),
    CommandRole("seed --env ENV", (), "refuses any endpoint but a local one"),
    CommandRole("check-changes", (), "reads synthesized templates and the lock"),
    CommandRole("check-diff DIFF_FILE --env ENV", (), "reads `cdk diff` output"),
    CommandRole("cost", (), "reads synthesized templates and the price table"),
    CommandRole(
        "query PATTERN --env ENV", (DATA_READER.id,), "GetItem or Query, as the pattern says"
    ),
    CommandRole(
        "verify --env ENV",
        (DEPLOYMENT_VERIFIER.id,),
        "describes each table; the round trip writes only its own test item",
    ),
    CommandRole(
        "migrate-profiles SOURCE --env ENV",
        (PROFILE_MIGRATION_OPERATOR.id,),
        "DescribeTable, then BatchWriteItem",
    ),
    CommandRole(
        "migrate-profiles SOURCE --env ENV --via-s3 s3://BUCKET/PREFIX",
        (PROFILE_MIGRATION_OPERATOR.id,),
        "stages in the environment's bucket, then a bulk put",
    ),
    CommandRole(
        "restore --env ENV --table KEY (--to-time T | --latest | --backup-arn ARN)",
        (RECOVERY_OPERATOR.id,),
        "restores into {physical name}-restored-*, then re-applies settings and verifies",
    ),
    CommandRole(
        "restore --drill --env ENV (--table KEY | --all)",
        (RECOVERY_OPERATOR.id,),
        "restore, check, delete the copy",
    ),
    CommandRole(
        "restore --adopt-plan --env ENV --table KEY --restored NAME",
        (RECOVERY_OPERATOR.id,),
        "compares the restored table with the original; changes nothing",
    ),
    CommandRole(
        "copy --env ENV --from A --to B (--only-missing | --overwrite)",
        (RECOVERY_OPERATOR.id,),
        "Scan, then conditional PutItem or BatchWriteItem",
    ),
    CommandRole(
        "copy --env ENV --from A --to B --overwrite --via-s3 s3://BUCKET/PREFIX",
        (RECOVERY_OPERATOR.id,),
        "an export to the environment's bucket, then a bulk put",
    ),
    CommandRole("bulk status ID --env ENV", _OPERATORS, "the role that started the load (either)"),
    CommandRole("bulk cancel ID --env ENV", _OPERATORS, "the role that started the load (either)"),
    CommandRole("bulk list --env ENV", _OPERATORS, "either operator"),
)


def roles_for(command: str) -> tuple[str, ...]:
    """Every role that runs some form of ``command`` (a subcommand name), in table order."""
    found = [role for entry in COMMAND_ROLES if entry.command == command for role in entry.roles]
    return tuple(dict.fromkeys(found))

"""Compare locked table identities with the synthesized ones, and judge each change.

Every unsafe change names the safe multi-step path, because the change itself
is usually wanted: it just has to reach production over several deploys.

The limits encoded here:

- CloudFormation replaces a table whose logical id, ``TableName``, key schema
  or LSIs change. A replaced table starts empty, and when the table has a
  custom name the replacement cannot even happen: the stack update fails.
- DynamoDB creates or deletes one GSI per update; CloudFormation fails the
  deploy with "Cannot perform more than one GSI creation or deletion".
- A GSI's keys and projection cannot be updated in place.
- TTL is switched on one attribute at a time, and after a change it cannot be
  changed again for up to an hour.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from schema_lock.identity import Index, TableIdentity, describe_keys

# Marks an unsafe change that CloudFormation or DynamoDB rejects outright. No
# approval can make such a deploy succeed, so `check-diff` never accepts one.
FAILS_DEPLOY = "UNSAFE (fails the deploy)"


@dataclass(frozen=True)
class Finding:
    environment: str
    table: str
    unsafe: bool
    change: str
    detail: str  # the safe path when unsafe; what the deploy will do when allowed
    # Unsafe because the deploy would fail, as opposed to succeed and lose or
    # orphan data (which a reviewer may accept on purpose).
    fails_deploy: bool = False

    def line(self) -> str:
        where = f"[{self.environment}] {self.table}"
        if self.unsafe:
            verdict = FAILS_DEPLOY if self.fails_deploy else "UNSAFE"
            return f"{verdict} {where}: {self.change}. Safe path: {self.detail}"
        return f"ok {where}: {self.change} ({self.detail})"


KEY_PATH = (
    "changing a key replaces the table: create a new table (new construct id and name) with the "
    "new key, backfill it, switch readers and writers, then retire the old one in a later deploy"
)
NAME_PATH = (
    "keep the physical name (pin the old one under table_names in cdk.json); or create the new "
    "table beside the old one, backfill it, switch readers and writers, then retire the old one"
)
LSI_PATH = (
    "LSIs exist only from a table's creation: add a GSI instead, or create a new table with the "
    "LSI, backfill it, switch readers and writers, then retire the old one"
)
MOVE_PATH = (
    "keep the table's construct id (catalog construct_id) and its stack; to move it anyway, "
    "remove it from the old stack with a retain policy in one deploy, then `cdk import` it "
    "into the new stack"
)
TYPE_PATH = (
    "CloudFormation cannot change a resource's type in place: set the old resource's "
    "removal policy to RETAIN and deploy, remove it from the template and deploy, then "
    "`cdk import` the same table as the new type"
)
DROP_PATH = (
    "remove it only after confirming nothing reads it and exporting or backing up its data; "
    "tables here are retained, so removal orphans it (it keeps running and billing outside "
    "CloudFormation) until you delete it by hand"
)


class _Judge:
    def __init__(self, *, environment: str, protected: bool, retains_tables: bool) -> None:
        self.environment = environment
        self.protected = protected
        self.retains_tables = retains_tables
        self.findings: list[Finding] = []

    def unsafe(
        self, table: TableIdentity, change: str, path: str, *, fails_deploy: bool = False
    ) -> None:
        self.findings.append(
            Finding(self.environment, table.label, True, change, path, fails_deploy)
        )

    def allowed(self, table: TableIdentity, change: str, outcome: str) -> None:
        self.findings.append(Finding(self.environment, table.label, False, change, outcome))

    @staticmethod
    def _replacement_fails(old: TableIdentity, new: TableIdentity) -> bool:
        """CloudFormation cannot replace a table that keeps its custom name."""
        return bool(new.table_name) and new.table_name == old.table_name

    def _replacement(self, old: TableIdentity, new: TableIdentity) -> str:
        """What CloudFormation does when it must replace ``old`` by ``new``."""
        if self._replacement_fails(old, new):
            return (
                "CloudFormation must replace the table and cannot create a second table with "
                "the same custom name, so the whole stack update fails"
            )
        fate = "orphans" if self.retains_tables else "deletes"
        return f"CloudFormation creates a new, empty table and {fate} the old one with its data"

    def moved(self, old: TableIdentity, new: TableIdentity) -> None:
        self.unsafe(
            new,
            f"moves from {old.resource_id} to {new.resource_id} (construct id or stack "
            "changed); CloudFormation would create a second table with a name the old one "
            "still holds, so the deploy fails (or, if the old one goes first, starts empty)",
            MOVE_PATH,
            fails_deploy=True,
        )

    def dropped(self, old: TableIdentity) -> None:
        if self.protected:
            self.unsafe(
                old,
                f"is dropped from {self.environment} (no longer in {old.stack})",
                f"dropping a table from {self.environment}: {DROP_PATH}",
            )
        elif self.retains_tables:
            self.allowed(old, "is dropped", "the table is retained and orphaned: delete it by hand")
        else:
            self.allowed(
                old, "is dropped", f"{self.environment} tables are destroyed: its data is deleted"
            )

    def created(self, new: TableIdentity) -> None:
        self.allowed(new, f"is a new table in {new.stack}", "created empty")

    def changed(self, old: TableIdentity, new: TableIdentity) -> None:
        if self._replaced(old, new):
            return
        self._global_indexes(old, new)
        self._ttl(old, new)

    def _replaced(self, old: TableIdentity, new: TableIdentity) -> bool:
        before = len(self.findings)
        if old.resource_type != new.resource_type:
            self.unsafe(
                new,
                f"changes resource type from {old.resource_type} to {new.resource_type}; "
                'CloudFormation rejects the update ("Update of resource type is not permitted")',
                TYPE_PATH,
                fails_deploy=True,
            )
            return True
        outcome = self._replacement(old, new)
        fails = self._replacement_fails(old, new)
        if old.table_name != new.table_name:
            self.unsafe(
                new,
                f"is renamed from {old.label} to {new.label}; {outcome}",
                NAME_PATH,
            )
        if old.keys != new.keys:
            self.unsafe(
                new,
                f"key changes from {describe_keys(old.keys)} to {describe_keys(new.keys)}; "
                f"{outcome}",
                KEY_PATH,
                fails_deploy=fails,
            )
        if old.local_indexes != new.local_indexes:
            before_lsi = {index.name: index for index in old.local_indexes}
            after_lsi = {index.name: index for index in new.local_indexes}
            names = sorted(
                name
                for name in before_lsi.keys() | after_lsi.keys()
                if before_lsi.get(name) != after_lsi.get(name)
            )
            self.unsafe(
                new,
                f"local secondary indexes change ({', '.join(names)}); {outcome}",
                LSI_PATH,
                fails_deploy=fails,
            )
        return len(self.findings) > before

    def _global_indexes(self, old: TableIdentity, new: TableIdentity) -> None:
        old_names = {index.name for index in old.global_indexes}
        new_names = {index.name for index in new.global_indexes}
        for name in sorted(old_names & new_names):
            self._index_in_place(new, old.gsi(name), new.gsi(name))
        operations = [f"add {name}" for name in sorted(new_names - old_names)]
        operations += [f"remove {name}" for name in sorted(old_names - new_names)]
        if len(operations) > 1:
            self.unsafe(
                new,
                f"{_join(operations)} in one deploy; DynamoDB creates or deletes one GSI "
                "per update, so the deploy fails",
                f"one GSI change per deploy: {operations[0]} first and deploy, then "
                + ", then ".join(f"{step} in the next deploy" for step in operations[1:]),
                fails_deploy=True,
            )
        elif operations:
            verb, name = operations[0].split(" ", 1)
            if verb == "add":
                self.allowed(
                    new,
                    f"adds GSI {name}",
                    "backfills online; the table stays available, and the index answers "
                    "queries fully once its backfill ends",
                )
            else:
                self.allowed(
                    new,
                    f"removes GSI {name}",
                    "the table stays available; queries on the index fail from this deploy on",
                )

    def _index_in_place(self, table: TableIdentity, old: Index | None, new: Index | None) -> None:
        if old is None or new is None or old == new:
            return
        if old.keys != new.keys:
            what = f"keys from {describe_keys(old.keys)} to {describe_keys(new.keys)}"
        else:
            what = f"projection from {old.projection} to {new.projection}"
            if old.projection == new.projection:
                what = "projected attributes"
        self.unsafe(
            table,
            f"changes GSI {new.name}'s {what} in place, which DynamoDB cannot do",
            f"add a new GSI with the new definition under a new name, deploy, move readers to "
            f"it, then remove {new.name} in a later deploy",
            fails_deploy=True,
        )

    def _ttl(self, old: TableIdentity, new: TableIdentity) -> None:
        was, now = old.ttl, new.ttl
        was_on = was is not None and was.enabled
        now_on = now is not None and now.enabled
        if was_on and now_on and was.attribute != now.attribute:
            self.unsafe(
                new,
                f"TTL moves from {was.attribute!r} to {now.attribute!r} in one deploy "
                "(disable and re-enable in one step), which DynamoDB rejects",
                f"TTL rename: disable TTL, deploy, wait for it to finish (up to 1 h), then "
                f"enable it on {now.attribute!r} in a second deploy",
                fails_deploy=True,
            )
        elif was_on and not now_on:
            self.allowed(
                new,
                f"disables TTL on {was.attribute!r}",
                "expired items stop being deleted; TTL cannot be enabled again for up to 1 h",
            )
        elif now_on and not was_on:
            self.allowed(
                new,
                f"enables TTL on {now.attribute!r}",
                "items whose timestamp has passed are deleted in the background; fails if TTL "
                "was disabled less than an hour ago",
            )


def _join(operations: list[str]) -> str:
    """``["add A", "add B", "remove C"]`` -> ``adds 2 GSIs (A, B) and removes GSI C``."""
    by_verb: dict[str, list[str]] = {}
    for operation in operations:
        verb, name = operation.split(" ", 1)
        by_verb.setdefault(verb, []).append(name)
    parts = []
    for verb, names in by_verb.items():
        what = f"GSI {names[0]}" if len(names) == 1 else f"{len(names)} GSIs ({', '.join(names)})"
        parts.append(f"{verb}s {what}")
    return " and ".join(parts)


def compare(
    *,
    environment: str,
    locked: Mapping[str, TableIdentity],
    current: Mapping[str, TableIdentity],
    protected: bool,
    retains_tables: bool,
) -> list[Finding]:
    """Judge every difference between the lock and the templates; empty if none."""
    judge = _Judge(environment=environment, protected=protected, retains_tables=retains_tables)
    gone = {rid: table for rid, table in locked.items() if rid not in current}
    new = {rid: table for rid, table in current.items() if rid not in locked}
    new_by_name = {table.table_name: table for table in new.values() if table.table_name}
    for _, old in sorted(gone.items()):
        moved_to = new_by_name.pop(old.table_name, None) if old.table_name else None
        if moved_to is not None:
            del new[moved_to.resource_id]
            judge.moved(old, moved_to)
        else:
            judge.dropped(old)
    for _, table in sorted(new.items()):
        judge.created(table)
    for resource_id in sorted(locked.keys() & current.keys()):
        judge.changed(locked[resource_id], current[resource_id])
    return judge.findings

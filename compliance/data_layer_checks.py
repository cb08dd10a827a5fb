"""A cdk-nag rule pack for ``AWS::DynamoDB::GlobalTable``, which ``TableV2`` emits.

cdk-nag's own DynamoDB rules (and checkov's CKV_AWS_28/119) only inspect
``AWS::DynamoDB::Table``, so without this pack nothing checks our tables.

Rule ids, as used in ``cdk.Validations.of(x).acknowledge(...)``:

* ``DataLayer-GlobalTablePITR``: every replica has point-in-time recovery on.
* ``DataLayer-GlobalTableCMK``: SSE is KMS with a customer-managed key in every replica.
* ``DataLayer-GlobalTableRetain``: in a protected environment, every replica is
  deletion-protected and the resource's DeletionPolicy and UpdateReplacePolicy
  are Retain.
* ``DataLayer-GlobalTableBackup``: where the environment has a backup plan, an
  ``AWS::Backup::BackupSelection`` lists the table's ARN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

import jsii
from aws_cdk import CfnDeletionPolicy, CfnResource, Stack, Token
from aws_cdk import aws_backup as backup
from aws_cdk import aws_dynamodb as dynamodb
from cdk_nag import IApplyRule, NagMessageLevel, NagPack, NagRuleCompliance
from constructs import IConstruct

PACK_NAME = "DataLayer"
Verdict = Callable[[], NagRuleCompliance]


def _camel_key(key: str) -> str:
    # Intrinsics (Ref, Fn::GetAtt) keep their spelling.
    if key == "Ref" or "::" in key:
        return key
    return key[:1].lower() + key[1:]


def _camel(value: Any) -> Any:
    """Resolved L1 values use camelCase keys; raw overrides may use PascalCase."""
    if isinstance(value, dict):
        return {_camel_key(key): _camel(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_camel(item) for item in value]
    return value


def _resolved(node: CfnResource, value: Any) -> Any:
    return _camel(Stack.of(node).resolve(value))


@dataclass(frozen=True)
class _TableFacts:
    """What the rules read of one table, resolved once.

    Each read of a construct's property is a call into the jsii kernel, and four
    rules read the same replicas; resolving them once per table keeps the pack's
    share of every ``cdk synth`` small.
    """

    node: dynamodb.CfnGlobalTable
    replicas: list[dict[str, Any]]
    sse: dict[str, Any]

    @classmethod
    def read(cls, node: dynamodb.CfnGlobalTable) -> _TableFacts:
        return cls(
            node=node,
            replicas=_resolved(node, node.replicas) or [],
            sse=_resolved(node, node.sse_specification) or {},
        )


@jsii.implements(IApplyRule)
class _Rule:
    """What ``NagPack.applyRule`` needs; jsii reads each field as a property."""

    def __init__(
        self, *, suffix: str, info: str, explanation: str, node: CfnResource, verdict: Verdict
    ) -> None:
        self._suffix, self._info, self._explanation = suffix, info, explanation
        self._node, self._verdict = node, verdict

    @property
    def rule_suffix_override(self) -> str:
        return self._suffix

    @property
    def info(self) -> str:
        return self._info

    @property
    def explanation(self) -> str:
        return self._explanation

    @property
    def level(self) -> NagMessageLevel:
        return NagMessageLevel.ERROR

    @property
    def node(self) -> CfnResource:
        return self._node

    def rule(self, _node: CfnResource) -> NagRuleCompliance:
        return self._verdict()


def _compliant(ok: bool) -> NagRuleCompliance:
    return NagRuleCompliance.COMPLIANT if ok else NagRuleCompliance.NON_COMPLIANT


def pitr_enabled(facts: _TableFacts) -> NagRuleCompliance:
    enabled = [
        (replica.get("pointInTimeRecoverySpecification") or {}).get("pointInTimeRecoveryEnabled")
        is True
        for replica in facts.replicas
    ]
    return _compliant(bool(enabled) and all(enabled))


def _customer_managed(key_id: Any) -> bool:
    if key_id is None or key_id == "":
        return False
    # AWS-managed keys are addressed as alias/aws/dynamodb (or its ARN).
    return not (isinstance(key_id, str) and "alias/aws/" in key_id)


def customer_managed_key(facts: _TableFacts) -> NagRuleCompliance:
    if facts.sse.get("sseEnabled") is not True or facts.sse.get("sseType") != "KMS":
        return NagRuleCompliance.NON_COMPLIANT
    keys = [
        (replica.get("sseSpecification") or {}).get("kmsMasterKeyId") for replica in facts.replicas
    ]
    return _compliant(bool(keys) and all(_customer_managed(key) for key in keys))


def retained_and_protected(facts: _TableFacts) -> NagRuleCompliance:
    options = facts.node.cfn_options
    retained = (
        options.deletion_policy == CfnDeletionPolicy.RETAIN
        and options.update_replace_policy == CfnDeletionPolicy.RETAIN
    )
    protected = bool(facts.replicas) and all(
        replica.get("deletionProtectionEnabled") is True for replica in facts.replicas
    )
    return _compliant(retained and protected)


@dataclass(frozen=True)
class _Selection:
    """One ``AWS::Backup::BackupSelection``: its stack and the resources it lists."""

    stack: Stack
    resources: list[Any]

    @classmethod
    def every_one_in(cls, root: IConstruct) -> list[_Selection]:
        selections = []
        for construct in root.node.find_all():
            if isinstance(construct, backup.CfnBackupSelection):
                resolved = _resolved(construct, construct.backup_selection) or {}
                selections.append(cls(Stack.of(construct), resolved.get("resources") or []))
        return selections


def _selects(entry: Any, *, table: CfnResource, stack: Stack, same_stack: bool) -> bool:
    if isinstance(entry, dict):
        # A selection in the table's own stack refers to it by GetAtt.
        return same_stack and entry == {"Fn::GetAtt": [stack.resolve(table.logical_id), "Arn"]}
    if not isinstance(entry, str):
        return False
    name = _resolved(table, table.table_name)
    if not isinstance(name, str) or Token.is_unresolved(stack.region + stack.account):
        return False
    # A literal ARN or wildcard pattern; compared without the partition.
    pattern = entry.split(":", 2)[-1]
    return fnmatchcase(f"dynamodb:{stack.region}:{stack.account}:table/{name}", pattern)


def in_backup_selection(facts: _TableFacts, selections: list[_Selection]) -> NagRuleCompliance:
    table_stack = Stack.of(facts.node)
    return _compliant(
        any(
            _selects(
                entry,
                table=facts.node,
                stack=table_stack,
                same_stack=selection.stack is table_stack,
            )
            for selection in selections
            for entry in selection.resources
        )
    )


def _not_applicable() -> NagRuleCompliance:
    return NagRuleCompliance.NOT_APPLICABLE


class DataLayerChecks(NagPack):
    """Our rules for ``AWS::DynamoDB::GlobalTable``; run beside ``AwsSolutionsChecks``.

    What an environment requires is passed in explicitly (constructs and
    packs never read context): ``protected`` turns on the Retain rule and
    ``require_backup`` the backup-membership rule.
    """

    def __init__(
        self, scope: Any = None, *, protected: bool, require_backup: bool, verbose: bool = False
    ) -> None:
        super().__init__(scope, verbose=verbose)
        self._pack_name = PACK_NAME
        self._protected = protected
        self._require_backup = require_backup
        self._selections: tuple[IConstruct, list[_Selection]] | None = None

    @property
    def name(self) -> str:
        return PACK_NAME

    def _check_resource(self, node: CfnResource) -> None:
        # jsii hands us the L1's own class, so this costs no call into the kernel
        # (reading ``cfn_resource_type`` would, for every resource of the app).
        if not isinstance(node, dynamodb.CfnGlobalTable):
            return
        facts = _TableFacts.read(node)
        rules: tuple[tuple[str, str, str, Verdict], ...] = (
            (
                "GlobalTablePITR",
                "The DynamoDB global table has point-in-time recovery off in a replica.",
                "PITR restores any second of the last 35 days; without it an overwrite "
                "or bad migration is unrecoverable between backups.",
                lambda: pitr_enabled(facts),
            ),
            (
                "GlobalTableCMK",
                "The DynamoDB global table is not encrypted with a customer-managed KMS key.",
                "A customer-managed key lets us audit, rotate and revoke access to the "
                "data and its backups; AWS-owned and AWS-managed keys do not.",
                lambda: customer_managed_key(facts),
            ),
            (
                "GlobalTableRetain",
                "The DynamoDB global table in a protected environment is not deletion-"
                "protected with Retain deletion and replace policies.",
                "A stack deletion, replacement or stray DeleteTable must never delete "
                "staging or prod data.",
                (lambda: retained_and_protected(facts)) if self._protected else _not_applicable,
            ),
            (
                "GlobalTableBackup",
                "The DynamoDB global table is not in any AWS Backup selection.",
                "The environment has a daily backup plan; a table left out of it has no "
                "backups beyond the PITR window.",
                (lambda: in_backup_selection(facts, self._selections_of(node)))
                if self._require_backup
                else _not_applicable,
            ),
        )
        for suffix, info, explanation, verdict in rules:
            self._apply_rule(
                _Rule(suffix=suffix, info=info, explanation=explanation, node=node, verdict=verdict)
            )

    def _selections_of(self, node: CfnResource) -> list[_Selection]:
        """Every backup selection of ``node``'s app, found once per app: a walk of the
        whole tree per table would cost a call into jsii for each of its constructs."""
        root = node.node.root
        if self._selections is None or self._selections[0] is not root:
            self._selections = (root, _Selection.every_one_in(root))
        return self._selections[1]

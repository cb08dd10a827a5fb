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
from fnmatch import fnmatchcase
from typing import Any

import jsii
from aws_cdk import CfnDeletionPolicy, CfnResource, Stack, Token
from aws_cdk import aws_backup as backup
from aws_cdk import aws_dynamodb as dynamodb
from cdk_nag import IApplyRule, NagMessageLevel, NagPack, NagRuleCompliance

PACK_NAME = "DataLayer"
GLOBAL_TABLE = "AWS::DynamoDB::GlobalTable"
RuleFunction = Callable[[CfnResource], NagRuleCompliance]


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


def _replicas(node: dynamodb.CfnGlobalTable) -> list[dict[str, Any]]:
    return _resolved(node, node.replicas) or []


@jsii.implements(IApplyRule)
class _Rule:
    """What ``NagPack.applyRule`` needs; jsii reads each field as a property."""

    def __init__(
        self, *, suffix: str, info: str, explanation: str, node: CfnResource, rule: RuleFunction
    ) -> None:
        self._suffix, self._info, self._explanation = suffix, info, explanation
        self._node, self._rule = node, rule

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

    def rule(self, node: CfnResource) -> NagRuleCompliance:
        return self._rule(node)


def pitr_enabled(node: CfnResource) -> NagRuleCompliance:
    replicas = _replicas(node)
    enabled = [
        (replica.get("pointInTimeRecoverySpecification") or {}).get("pointInTimeRecoveryEnabled")
        is True
        for replica in replicas
    ]
    return (
        NagRuleCompliance.COMPLIANT if enabled and all(enabled) else NagRuleCompliance.NON_COMPLIANT
    )


def _customer_managed(key_id: Any) -> bool:
    if key_id is None or key_id == "":
        return False
    # AWS-managed keys are addressed as alias/aws/dynamodb (or its ARN).
    return not (isinstance(key_id, str) and "alias/aws/" in key_id)


def customer_managed_key(node: CfnResource) -> NagRuleCompliance:
    sse = _resolved(node, node.sse_specification) or {}
    if sse.get("sseEnabled") is not True or sse.get("sseType") != "KMS":
        return NagRuleCompliance.NON_COMPLIANT
    replicas = _replicas(node)
    keys = [(replica.get("sseSpecification") or {}).get("kmsMasterKeyId") for replica in replicas]
    if keys and all(_customer_managed(key) for key in keys):
        return NagRuleCompliance.COMPLIANT
    return NagRuleCompliance.NON_COMPLIANT


def retained_and_protected(node: CfnResource) -> NagRuleCompliance:
    options = node.cfn_options
    retained = (
        options.deletion_policy == CfnDeletionPolicy.RETAIN
        and options.update_replace_policy == CfnDeletionPolicy.RETAIN
    )
    replicas = _replicas(node)
    protected = bool(replicas) and all(
        replica.get("deletionProtectionEnabled") is True for replica in replicas
    )
    return (
        NagRuleCompliance.COMPLIANT if retained and protected else NagRuleCompliance.NON_COMPLIANT
    )


def _selected_resources(selection: backup.CfnBackupSelection) -> list[Any]:
    resolved = _resolved(selection, selection.backup_selection) or {}
    return resolved.get("resources") or []


def _selects(entry: Any, *, table: CfnResource, same_stack: bool) -> bool:
    stack = Stack.of(table)
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


def in_backup_selection(node: CfnResource) -> NagRuleCompliance:
    table_stack = Stack.of(node)
    for construct in node.node.root.node.find_all():
        if not isinstance(construct, backup.CfnBackupSelection):
            continue
        same_stack = Stack.of(construct) is table_stack
        if any(
            _selects(entry, table=node, same_stack=same_stack)
            for entry in _selected_resources(construct)
        ):
            return NagRuleCompliance.COMPLIANT
    return NagRuleCompliance.NON_COMPLIANT


def _not_applicable(_node: CfnResource) -> NagRuleCompliance:
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

    @property
    def name(self) -> str:
        return PACK_NAME

    def _check_resource(self, node: CfnResource) -> None:
        if node.cfn_resource_type != GLOBAL_TABLE:
            return
        rules = (
            (
                "GlobalTablePITR",
                "The DynamoDB global table has point-in-time recovery off in a replica.",
                "PITR restores any second of the last 35 days; without it an overwrite "
                "or bad migration is unrecoverable between backups.",
                pitr_enabled,
            ),
            (
                "GlobalTableCMK",
                "The DynamoDB global table is not encrypted with a customer-managed KMS key.",
                "A customer-managed key lets us audit, rotate and revoke access to the "
                "data and its backups; AWS-owned and AWS-managed keys do not.",
                customer_managed_key,
            ),
            (
                "GlobalTableRetain",
                "The DynamoDB global table in a protected environment is not deletion-"
                "protected with Retain deletion and replace policies.",
                "A stack deletion, replacement or stray DeleteTable must never delete "
                "staging or prod data.",
                retained_and_protected if self._protected else _not_applicable,
            ),
            (
                "GlobalTableBackup",
                "The DynamoDB global table is not in any AWS Backup selection.",
                "The environment has a daily backup plan; a table left out of it has no "
                "backups beyond the PITR window.",
                in_backup_selection if self._require_backup else _not_applicable,
            ),
        )
        for suffix, info, explanation, rule in rules:
            self._apply_rule(
                _Rule(suffix=suffix, info=info, explanation=explanation, node=node, rule=rule)
            )

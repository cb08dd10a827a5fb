"""A role's synthesized policy, resolved to real ARNs, and an evaluator for it.

The evaluator covers what IAM does with an identity policy and what our templates use:
Allow and Deny, Action/NotAction and Resource/NotResource with ``*`` and ``?``
wildcards, and the condition operators below (with ``ForAllValues:``/``ForAnyValue:``
and ``...IfExists``). An operator it does not know fails loudly instead of guessing.
No library fits: the maintained ones (parliament, policy_sentry, cloudsplaining) lint
or write policies and do not evaluate a request against one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

# IAM's limit on a managed policy document, in characters without whitespace.
MANAGED_POLICY_MAX_CHARACTERS = 6144


@dataclass(frozen=True)
class Requirement:
    """One permission a call needs: an action on a resource, with the request's context.

    ``because`` says where it came from: the call itself, or what AWS documents that
    the call needs besides (for example the target table's data actions for a restore).
    """

    action: str
    resource: str
    context: tuple[tuple[str, tuple[str, ...]], ...] = ()
    because: str = ""

    def context_value(self, key: str) -> tuple[str, ...] | None:
        for name, values in self.context:
            if name.lower() == key.lower():
                return values
        return None


@dataclass(frozen=True)
class Statement:
    effect: str
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    not_resources: tuple[str, ...] = ()
    conditions: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Statement:
        unknown = set(raw) - {
            "Sid",
            "Effect",
            "Action",
            "NotAction",
            "Resource",
            "NotResource",
            "Condition",
        }
        if unknown:
            raise ValueError(f"statement keys the evaluator does not know: {sorted(unknown)}")
        conditions = {
            operator: {key: _strings(values) for key, values in block.items()}
            for operator, block in raw.get("Condition", {}).items()
        }
        return cls(
            effect=raw["Effect"],
            actions=_strings(raw.get("Action", ())),
            not_actions=_strings(raw.get("NotAction", ())),
            resources=_strings(raw.get("Resource", ())),
            not_resources=_strings(raw.get("NotResource", ())),
            conditions=conditions,
        )

    def applies_to(self, requirement: Requirement) -> bool:
        if self.actions and not any(_action_matches(p, requirement.action) for p in self.actions):
            return False
        if self.not_actions and any(
            _action_matches(p, requirement.action) for p in self.not_actions
        ):
            return False
        if self.resources and not any(
            _resource_matches(p, requirement.resource) for p in self.resources
        ):
            return False
        if self.not_resources and any(
            _resource_matches(p, requirement.resource) for p in self.not_resources
        ):
            return False
        return all(
            _condition_holds(operator, key, values, requirement)
            for operator, block in self.conditions.items()
            for key, values in block.items()
        )


@dataclass(frozen=True)
class Policy:
    """An identity policy: allowed when some Allow applies and no Deny does."""

    name: str
    statements: tuple[Statement, ...]
    document: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_document(cls, name: str, document: Mapping[str, Any]) -> Policy:
        raw = document.get("Statement", [])
        raw = raw if isinstance(raw, list) else [raw]
        return cls(name=name, statements=tuple(Statement.parse(s) for s in raw), document=document)

    def allows(self, requirement: Requirement) -> bool:
        applying = [s for s in self.statements if s.applies_to(requirement)]
        if any(s.effect == "Deny" for s in applying):
            return False
        return any(s.effect == "Allow" for s in applying)

    def denied(self, requirements: Iterable[Requirement]) -> list[Requirement]:
        return list(dict.fromkeys(r for r in requirements if not self.allows(r)))

    def without_action(self, action: str) -> Policy:
        """This policy with ``action`` struck from every statement that names it exactly:
        what removing one action from the catalog would synthesize."""
        statements = []
        for statement in self.statements:
            kept = tuple(a for a in statement.actions if a.lower() != action.lower())
            if statement.actions and not kept:
                continue
            statements.append(replace(statement, actions=kept))
        return Policy(name=f"{self.name} without {action}", statements=tuple(statements))

    @property
    def size(self) -> int:
        """The document's length as IAM counts it for the managed-policy quota."""
        return len(re.sub(r"\s", "", json.dumps(self.document)))


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, bool):
        return (str(value).lower(),)
    return tuple(value)


def _glob(pattern: str, value: str, *, case_sensitive: bool) -> bool:
    regex = "".join(
        ".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern
    )
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.fullmatch(regex, value, flags | re.DOTALL) is not None


def _action_matches(pattern: str, action: str) -> bool:
    return _glob(pattern, action, case_sensitive=False)


def _resource_matches(pattern: str, resource: str) -> bool:
    if pattern == "*":
        return True
    if resource == "*":  # an action that takes no resource is allowed only by "*"
        return False
    return _glob(pattern, resource, case_sensitive=True)


_MATCHERS = {
    "StringEquals": lambda pattern, value: pattern == value,
    "StringEqualsIgnoreCase": lambda pattern, value: pattern.lower() == value.lower(),
    "StringLike": lambda pattern, value: _glob(pattern, value, case_sensitive=True),
    "ArnEquals": lambda pattern, value: pattern == value,
    "ArnLike": lambda pattern, value: _glob(pattern, value, case_sensitive=True),
    "Bool": lambda pattern, value: pattern.lower() == value.lower(),
}
_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
}


def _condition_holds(
    operator: str, key: str, patterns: tuple[str, ...], requirement: Requirement
) -> bool:
    qualifier, _, name = operator.rpartition(":")
    if_exists = name.endswith("IfExists")
    name = name.removesuffix("IfExists")
    negated = name in _NEGATED
    base = _NEGATED.get(name, name)
    if base not in _MATCHERS or qualifier not in ("", "ForAllValues", "ForAnyValue"):
        raise ValueError(f"condition operator the evaluator does not know: {operator}")
    match = _MATCHERS[base]
    values = requirement.context_value(key)

    def matches(value: str) -> bool:
        return any(match(pattern, value) for pattern in patterns)

    if qualifier == "ForAllValues":
        # IAM: true when the key is absent or empty, and when every value matches.
        if not values:
            return True
        return all(matches(v) != negated for v in values)
    if qualifier == "ForAnyValue":
        if not values:
            return False
        return any(matches(v) != negated for v in values)
    if values is None:
        return if_exists or negated
    return any(matches(v) for v in values) != negated


# ------------------------------------------------------------- from a template


@dataclass(frozen=True)
class Placement:
    """Where a template's resources live, for resolving its intrinsic functions."""

    partition: str
    region: str
    account: str
    physical: Mapping[str, str]  # logical id -> ARN (for GetAtt .Arn) of each referenced thing


def resolve(value: Any, placement: Placement) -> Any:
    """A template value with Ref, Fn::GetAtt (``Arn``) and Fn::Join replaced."""
    if isinstance(value, list):
        return [resolve(item, placement) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"}:
        pseudo = {
            "AWS::Partition": placement.partition,
            "AWS::Region": placement.region,
            "AWS::AccountId": placement.account,
            "AWS::URLSuffix": "amazonaws.com",
        }
        reference = value["Ref"]
        if reference in pseudo:
            return pseudo[reference]
        return placement.physical[reference]
    if set(value) == {"Fn::GetAtt"}:
        logical_id, attribute = value["Fn::GetAtt"]
        if attribute != "Arn":
            raise ValueError(f"GetAtt {logical_id}.{attribute}: only Arn is resolved")
        return placement.physical[logical_id]
    if set(value) == {"Fn::Join"}:
        delimiter, parts = value["Fn::Join"]
        return delimiter.join(str(resolve(part, placement)) for part in parts)
    if any(key.startswith("Fn::") for key in value):
        raise ValueError(f"intrinsic the resolver does not know: {sorted(value)}")
    return {key: resolve(item, placement) for key, item in value.items()}


def physical_arns(
    template: Mapping[str, Any],
    *,
    partition: str,
    region: str,
    account: str,
    others: Mapping[str, str],
) -> dict[str, str]:
    """The ARN of every table in ``template`` (from its TableName), plus ``others`` (the
    key's and the bucket's, whose names are made at deploy time)."""
    arns = dict(others)
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] == "AWS::DynamoDB::GlobalTable":
            name = resource["Properties"]["TableName"]
            arns[logical_id] = f"arn:{partition}:dynamodb:{region}:{account}:table/{name}"
    return arns


def logical_id_of(template: Mapping[str, Any], resource_type: str) -> str:
    (found,) = [lid for lid, r in template["Resources"].items() if r["Type"] == resource_type]
    return found


def role_policy(template: Mapping[str, Any], *, construct_id: str, placement: Placement) -> Policy:
    """The managed policy ``ConsumerAccess`` made for the consumer ``construct_id``."""
    pattern = re.compile(rf"(?:[A-Za-z0-9]*?){re.escape(construct_id)}Policy[0-9A-F]{{8}}")
    found = [
        logical_id
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::IAM::ManagedPolicy" and pattern.fullmatch(logical_id)
    ]
    if len(found) != 1:
        raise LookupError(f"expected one managed policy for {construct_id}, found {found}")
    document = resolve(template["Resources"][found[0]]["Properties"]["PolicyDocument"], placement)
    return Policy.from_document(construct_id, document)

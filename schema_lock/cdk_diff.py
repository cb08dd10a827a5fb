"""Read ``cdk diff`` output and find stateful resources it would replace or remove.

``cdk diff --fail`` fails on any difference, tags included, which teaches
people to ignore it. This gate fails only where data can be lost: a table,
key, backup vault or bucket that CloudFormation would replace, destroy or
orphan. The format is the CDK CLI's resource line::

    [~] AWS::DynamoDB::GlobalTable Sessions/Table SessionsTable02D38B60 replace
     ├─ [~] KeySchema (requires replacement)

It is parsed leniently (colours stripped, unknown lines skipped) and proven
against real ``cdk diff`` output by tests/test_cdk_diff_gate.py. Leniency is
safe only on a whole diff: :mod:`schema_lock.diff_completeness` proves that first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Resources that hold data, or without which data cannot be read. A backup
# selection or plan is configuration: adding a table replaces its stack's
# selection (its table list cannot be updated in place), and that must not block.
STATEFUL_TYPES = frozenset(
    {
        "AWS::DynamoDB::Table",
        "AWS::DynamoDB::GlobalTable",
        "AWS::Backup::BackupVault",
        "AWS::KMS::Key",
        "AWS::S3::Bucket",
    }
)

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
STACK_HEADER = re.compile(r"^Stack (?P<name>\S+)")
_RESOURCE = re.compile(
    r"^\[(?P<op>[-+~←?])\]\s+(?P<type>[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+)\s+(?P<rest>.*)$"
)
_IMPACT = re.compile(r"\s(?P<impact>may be replaced|replace|destroy|orphan)(?:\s+\(OR .*\))?\s*$")
_REPLACING_PROPERTY = re.compile(
    r"^[\s│]*[└├]─\s+\[.\]\s+(?P<name>.+?)\s+"
    r"\((?P<why>requires replacement|may cause replacement)\)"
)

_OUTCOMES = {
    "replace": "replaced (new, empty resource; the old one is deleted or orphaned)",
    "may be replaced": "possibly replaced (CloudFormation decides at deploy time)",
    "destroy": "deleted",
    "orphan": "removed from the stack and orphaned (it keeps running outside CloudFormation)",
}


def is_stateful(resource_type: str) -> bool:
    return resource_type in STATEFUL_TYPES


@dataclass
class StatefulChange:
    stack: str
    resource_type: str
    resource: str  # construct path and logical id, as cdk diff prints them
    impact: str
    properties: list[str] = field(default_factory=list)

    def line(self) -> str:
        why = f"; {', '.join(self.properties)}" if self.properties else ""
        return (
            f"{self.stack}: {self.resource_type} {self.resource} would be "
            f"{_OUTCOMES[self.impact]}{why}"
        )


def parse_cdk_diff(text: str) -> list[StatefulChange]:
    """Every stateful resource the diff replaces, may replace, destroys or orphans."""
    changes: list[StatefulChange] = []
    stack = "?"
    current: StatefulChange | None = None
    for raw_line in text.splitlines():
        line = ANSI.sub("", raw_line).rstrip()
        if match := STACK_HEADER.match(line):
            stack, current = match["name"], None
            continue
        if match := _RESOURCE.match(line):
            current = None
            resource_type = match["type"]
            if not is_stateful(resource_type) or match["op"] in "+←":
                continue
            rest = match["rest"]
            impact_match = _IMPACT.search(rest)
            if impact_match:
                impact = impact_match["impact"]
                resource = rest[: impact_match.start()].strip()
            elif match["op"] == "-":
                impact, resource = "destroy", rest.strip()  # older CLIs print no impact word
            else:
                continue
            current = StatefulChange(stack, resource_type, resource, impact)
            changes.append(current)
            continue
        if current is not None and (match := _REPLACING_PROPERTY.match(line)):
            current.properties.append(f"{match['name']} ({match['why']})")
    return changes

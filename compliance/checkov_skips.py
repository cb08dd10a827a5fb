"""checkov skips, written into a resource's CloudFormation Metadata with a reason.

checkov reads ``Metadata: {checkov: {skip: [{id, comment}]}}`` from each
resource, so a skip travels with the resource it excuses and shows up in
snapshot diffs. ``make scan`` fails on any finding that is not skipped this way.

Use :func:`skip_checkov` for a resource we create, and :class:`CheckovSkips`
(an Aspect) for resources that a library construct creates for us, such as
the Lambda functions inside CDK's custom-resource ``Provider``.
"""

from __future__ import annotations

from dataclasses import dataclass

import jsii
from aws_cdk import CfnResource, IAspect
from constructs import IConstruct

METADATA_KEY = "checkov"
MIN_REASON_LENGTH = 25


@dataclass(frozen=True)
class CheckovSkip:
    check_id: str
    reason: str

    def __post_init__(self) -> None:
        if not self.check_id.startswith("CKV"):
            raise ValueError(f"{self.check_id!r} is not a checkov check id (CKV_AWS_...)")
        if len(self.reason.strip()) < MIN_REASON_LENGTH:
            raise ValueError(
                f"skip of {self.check_id} needs a reason a reviewer can judge "
                f"(at least {MIN_REASON_LENGTH} characters)"
            )


def skip_checkov(resource: CfnResource, *skips: CheckovSkip) -> None:
    """Add ``skips`` to the resource's checkov Metadata, keeping earlier ones."""
    existing = resource.get_metadata(METADATA_KEY) or {}
    entries = list(existing.get("skip", []))
    known = {entry["id"] for entry in entries}
    for skip in skips:
        if skip.check_id not in known:
            entries.append({"id": skip.check_id, "comment": skip.reason})
            known.add(skip.check_id)
    resource.add_metadata(METADATA_KEY, {**existing, "skip": entries})


@jsii.implements(IAspect)
class CheckovSkips:
    """Skip ``skips`` on every resource of ``resource_type`` under the scope it is added to."""

    def __init__(self, *, resource_type: str, skips: tuple[CheckovSkip, ...]) -> None:
        self._resource_type = resource_type
        self._skips = skips

    def visit(self, node: IConstruct) -> None:
        if isinstance(node, CfnResource) and node.cfn_resource_type == self._resource_type:
            skip_checkov(node, *self._skips)

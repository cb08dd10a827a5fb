"""How one catalog table is deployed in an environment: its billing and its tags.

``DataTable`` (CDK), ``ddbctl local up`` and ``ddbctl verify`` all ask this one
function, so a deployed table, a local one and the one verify expects follow one
rule. It takes the environment's flags rather than its config so the catalog
stays free of CDK and settings imports.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog.model import ProvisionedBilling, TableSpec

ENVIRONMENT_TAG = "Environment"


@dataclass(frozen=True)
class TableDeployment:
    """What an environment makes of one spec."""

    provisioned: ProvisionedBilling | None  # None: on-demand
    environment_tags: tuple[tuple[str, str], ...]  # added to the spec's own tags
    tags: tuple[tuple[str, str], ...]  # every tag the table carries

    @property
    def billing_mode(self) -> str:
        """The ``BillingModeSummary`` DynamoDB reports for the table."""
        return "PROVISIONED" if self.provisioned else "PAY_PER_REQUEST"


def table_deployment(
    spec: TableSpec, *, environment_name: str, provisioned_capacity: bool
) -> TableDeployment:
    """The seed's provisioned capacity only where the environment honours it (the
    agent tables in prod), else on-demand; the spec's tags plus ``Environment``."""
    environment_tags = ((ENVIRONMENT_TAG, environment_name),)
    return TableDeployment(
        provisioned=spec.provisioned if provisioned_capacity else None,
        environment_tags=environment_tags,
        tags=(*spec.tags, *environment_tags),
    )

"""One application's tables in one environment."""

from __future__ import annotations

from aws_cdk import aws_kms as kms
from constructs import Construct

from catalog import TableSpec
from cdk_constructs import DataTable
from settings import EnvironmentConfig
from stacks.environment_stack import EnvironmentStack


class ApplicationDataStack(EnvironmentStack):
    """Composes the catalog tables of one application and exports their names and ARNs.

    Exports are environment-qualified (``prod-OpportunitySessionsTableName``)
    because seed 003's consumers import the table by export name.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        application: str,
        specs: tuple[TableSpec, ...],
        config: EnvironmentConfig,
        encryption_key: kms.IKey,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            config=config,
            description=f"DynamoDB tables of {application}",
        )
        self.application = application
        self.tables: dict[str, DataTable] = {}
        for spec in specs:
            data_table = DataTable(
                self,
                spec.construct_id,
                spec=spec,
                table_name=config.table_name(spec),
                environment_name=config.name,
                encryption_key=encryption_key,
                removal_policy=self.removal_policy,
                deletion_protection=config.deletion_protection,
                pitr_recovery_days=config.pitr_recovery_days,
                provisioned_capacity=config.provisioned_capacity,
                autoscaling_max_multiplier=config.autoscaling_max_multiplier,
            )
            self.tables[spec.key] = data_table
            self.export(f"{spec.construct_id}TableName", data_table.table.table_name)
            self.export(f"{spec.construct_id}TableArn", data_table.table.table_arn)

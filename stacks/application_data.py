"""One application's tables in one environment."""

from __future__ import annotations

from aws_cdk import aws_kms as kms
from constructs import Construct

from catalog import TableSpec
from cdk_constructs import DataTable
from stacks.data_layer_stack import DataLayerStack


class ApplicationData(Construct):
    """Composes the catalog tables of one application and exports their names and ARNs.

    A construct, not a stack: the construct tree (``prod-data-layer/root-orchestrator``)
    still shows the applications, while the environment deploys as one stack.
    """

    def __init__(
        self,
        stack: DataLayerStack,
        construct_id: str,
        *,
        application: str,
        specs: tuple[TableSpec, ...],
        encryption_key: kms.IKey,
    ) -> None:
        super().__init__(stack, construct_id)
        config = stack.config
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
                removal_policy=stack.removal_policy,
                deletion_protection=config.deletion_protection,
                pitr_recovery_days=config.pitr_recovery_days,
                provisioned_capacity=config.provisioned_capacity,
                autoscaling_max_multiplier=config.autoscaling_max_multiplier,
                max_request_units=config.max_request_units,
            )
            self.tables[spec.key] = data_table
            stack.export(f"{spec.construct_id}TableName", data_table.table.table_name)
            stack.export(f"{spec.construct_id}TableArn", data_table.table.table_arn)

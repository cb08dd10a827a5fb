"""One catalog table as a DynamoDB ``TableV2``."""

from __future__ import annotations

from aws_cdk import CfnTag, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from constructs import Construct

from catalog import (
    AttributeType,
    Capacity,
    GlobalIndex,
    KeyAttribute,
    Projection,
    ProvisionedBilling,
    TableSpec,
)
from catalog.deployment import table_deployment
from catalog.model import TableClass

_ATTRIBUTE_TYPES = {
    AttributeType.STRING: dynamodb.AttributeType.STRING,
    AttributeType.NUMBER: dynamodb.AttributeType.NUMBER,
    AttributeType.BINARY: dynamodb.AttributeType.BINARY,
}
_PROJECTIONS = {
    Projection.ALL: dynamodb.ProjectionType.ALL,
    Projection.KEYS_ONLY: dynamodb.ProjectionType.KEYS_ONLY,
    Projection.INCLUDE: dynamodb.ProjectionType.INCLUDE,
}
_TABLE_CLASSES = {
    TableClass.STANDARD: dynamodb.TableClass.STANDARD,
    TableClass.STANDARD_INFREQUENT_ACCESS: dynamodb.TableClass.STANDARD_INFREQUENT_ACCESS,
}
AUTOSCALING_TARGET_UTILIZATION = 70


def _attribute(key: KeyAttribute | None) -> dynamodb.Attribute | None:
    if key is None:
        return None
    return dynamodb.Attribute(name=key.name, type=_ATTRIBUTE_TYPES[key.type])


def _autoscaled(minimum: int, multiplier: int) -> dynamodb.Capacity:
    # TableV2 requires autoscaled write capacity in provisioned mode; the seed
    # figure is the floor so capacity never drops below what seed 004 sized.
    return dynamodb.Capacity.autoscaled(
        min_capacity=minimum,
        max_capacity=minimum * multiplier,
        target_utilization_percent=AUTOSCALING_TARGET_UTILIZATION,
    )


class DataTable(Construct):
    """A catalog table with SSE-KMS, PITR, TTL, tags and environment-driven safety.

    Every setting that differs by environment arrives as an explicit argument,
    so the same spec synthesizes identically wherever it is composed.

    Parameters
    ----------
    spec:
        The catalog entry: keys, indexes, TTL, tags and seed billing.
    table_name:
        Physical table name (``{env}-{base}`` or a config override).
    environment_name:
        Value of the ``Environment`` tag.
    encryption_key:
        The environment's customer-managed KMS key.
    removal_policy:
        RETAIN for protected environments, DESTROY for dev.
    deletion_protection:
        DynamoDB deletion protection.
    pitr_recovery_days:
        Point-in-time recovery window (1-35 days); PITR is always on.
    provisioned_capacity:
        Honour the spec's provisioned billing if it has one; otherwise on-demand.
    autoscaling_max_multiplier:
        Autoscaling ceiling as a multiple of the seed's provisioned floor.
    max_request_units:
        On-demand only: the most read and the most write request units per second
        the table and each index may use (a runaway client throttles instead of
        running up the bill); None leaves them uncapped. The table class comes from
        the spec.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        spec: TableSpec,
        table_name: str,
        environment_name: str,
        encryption_key: kms.IKey,
        removal_policy: RemovalPolicy,
        deletion_protection: bool,
        pitr_recovery_days: int,
        provisioned_capacity: bool,
        autoscaling_max_multiplier: int = 4,
        max_request_units: int | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.spec = spec
        self.table_name = table_name
        deployment = table_deployment(
            spec, environment_name=environment_name, provisioned_capacity=provisioned_capacity
        )
        self._provisioned = deployment.provisioned
        self._multiplier = autoscaling_max_multiplier
        self.max_request_units = None if self._provisioned else max_request_units
        self.table = dynamodb.TableV2(
            self,
            "Table",
            table_name=table_name,
            partition_key=_attribute(spec.partition_key),
            sort_key=_attribute(spec.sort_key),
            global_secondary_indexes=[self._build_index(index) for index in spec.global_indexes],
            billing=self._build_billing(),
            table_class=_TABLE_CLASSES[spec.table_class],
            encryption=dynamodb.TableEncryptionV2.customer_managed_key(encryption_key),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True,
                recovery_period_in_days=pitr_recovery_days,
            ),
            time_to_live_attribute=spec.ttl_attribute,
            deletion_protection=deletion_protection,
            removal_policy=removal_policy,
            tags=[CfnTag(key=key, value=value) for key, value in deployment.tags],
        )

    @property
    def is_provisioned(self) -> bool:
        return self._provisioned is not None

    @property
    def autoscaling_ceiling(self) -> ProvisionedBilling | None:
        """The autoscaling maxima (table and each index), or None when on-demand.

        Capacity alarms compare consumption against these: near the ceiling,
        autoscaling can no longer add capacity and throttling follows.
        """
        if self._provisioned is None:
            return None
        floor, multiplier = self._provisioned, self._multiplier
        return ProvisionedBilling(
            table=Capacity(
                read=floor.table.read * multiplier, write=floor.table.write * multiplier
            ),
            index=Capacity(
                read=floor.index.read * multiplier, write=floor.index.write * multiplier
            ),
            source=f"{floor.source}, x{multiplier} autoscaling_max_multiplier",
        )

    def _build_billing(self) -> dynamodb.Billing:
        if self._provisioned is None:
            return dynamodb.Billing.on_demand(
                max_read_request_units=self.max_request_units,
                max_write_request_units=self.max_request_units,
            )
        capacity = self._provisioned.table
        return dynamodb.Billing.provisioned(
            read_capacity=_autoscaled(capacity.read, self._multiplier),
            write_capacity=_autoscaled(capacity.write, self._multiplier),
        )

    def _build_index(self, index: GlobalIndex) -> dynamodb.GlobalSecondaryIndexPropsV2:
        capacity = {}
        if self.max_request_units is not None:
            capacity = {
                "max_read_request_units": self.max_request_units,
                "max_write_request_units": self.max_request_units,
            }
        if self._provisioned is not None:
            floor = self._provisioned.index
            capacity = {
                "read_capacity": _autoscaled(floor.read, self._multiplier),
                "write_capacity": _autoscaled(floor.write, self._multiplier),
            }
        return dynamodb.GlobalSecondaryIndexPropsV2(
            index_name=index.name,
            partition_key=_attribute(index.partition_key),
            sort_key=_attribute(index.sort_key),
            projection_type=_PROJECTIONS[index.projection],
            non_key_attributes=list(index.non_key_attributes) or None,
            **capacity,
        )

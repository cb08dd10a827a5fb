"""Adds each consumer's policy (and role) beside the application whose tables it uses."""

from __future__ import annotations

from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from catalog import consumers
from cdk_constructs.consumer_access import ConsumerAccess, trusted_principal
from stacks.application_data import ApplicationData
from stacks.data_layer_stack import DataLayerStack


def add_consumer_access(
    stack: DataLayerStack,
    application: ApplicationData,
    *,
    encryption_key: kms.IKey,
    bulk_load_bucket: s3.IBucket | None = None,
) -> dict[str, ConsumerAccess]:
    """One ``ConsumerAccess`` per consumer of ``application``, with exported ARNs.

    ``bulk_load_bucket`` is the environment's staging bucket, where there is one: the
    consumers that bulk-load get the bulk-operation actions and that bucket's prefix."""
    config = stack.config
    tables = {key: data_table.table for key, data_table in application.tables.items()}
    added = {}
    for consumer in consumers.for_application(application.application):
        settings = config.consumer(consumer.id)
        principal = None
        if settings.existing_role is None:
            principal = trusted_principal(settings.trusted_principal or consumer.trusted_principal)
        access = ConsumerAccess(
            application,
            consumer.construct_id,
            consumer=consumer,
            tables=tables,
            encryption_key=encryption_key,
            region=config.region,
            existing_role=settings.existing_role,
            assumed_by=principal,
            bulk_load_bucket=bulk_load_bucket,
        )
        stack.export(f"{consumer.construct_id}PolicyArn", access.policy.managed_policy_arn)
        stack.export(f"{consumer.construct_id}RoleArn", access.role.role_arn)
        added[consumer.id] = access
    return added

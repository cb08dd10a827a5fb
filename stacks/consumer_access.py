"""Adds each consumer's policy (and role) beside the application whose tables it uses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from constructs import Construct

from catalog import consumers
from cdk_constructs.consumer_access import ConsumerAccess, trusted_principal
from stacks.application_data import ApplicationData
from stacks.data_layer_stack import DataLayerStack

if TYPE_CHECKING:  # only a type here; importing aws_s3 costs every synth
    from aws_cdk import aws_s3 as s3


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
    tables = {key: data_table.table for key, data_table in application.tables.items()}
    return _add(
        stack,
        application,
        consumers.for_application(application.application),
        tables=tables,
        encryption_key=encryption_key,
        bulk_load_bucket=bulk_load_bucket,
    )


def add_spanning_consumer_access(
    stack: DataLayerStack,
    applications: Mapping[str, ApplicationData],
    *,
    encryption_key: kms.IKey,
    bulk_load_bucket: s3.IBucket | None = None,
) -> dict[str, ConsumerAccess]:
    """The consumers granted on every application's tables (the operators' roles): they
    sit at the stack's top, beside the applications they reach."""
    tables = {
        key: data_table.table
        for application in applications.values()
        for key, data_table in application.tables.items()
    }
    # Only where every table it reaches is here: a stack synthesized from part of the
    # catalog (the lock tests' would-be changes) has no place for it.
    reaching = [c for c in consumers.spanning() if {g.table for g in c.grants} <= set(tables)]
    return _add(
        stack,
        stack,
        reaching,
        tables=tables,
        encryption_key=encryption_key,
        bulk_load_bucket=bulk_load_bucket,
    )


def _add(
    stack: DataLayerStack,
    scope: Construct,
    chosen: Iterable[consumers.Consumer],
    *,
    tables: Mapping[str, dynamodb.ITableV2],
    encryption_key: kms.IKey,
    bulk_load_bucket: s3.IBucket | None = None,
) -> dict[str, ConsumerAccess]:
    config = stack.config
    added = {}
    for consumer in chosen:
        settings = config.consumer(consumer.id)
        principal = None
        if settings.existing_role is None:
            principal = trusted_principal(settings.trusted_principal or consumer.trusted_principal)
        access = ConsumerAccess(
            scope,
            consumer.construct_id,
            consumer=consumer,
            tables=dict(tables),
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

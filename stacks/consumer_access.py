"""Adds each consumer's policy (and role) to the application stack that owns its tables."""

from __future__ import annotations

from aws_cdk import aws_kms as kms

from catalog import consumers
from cdk_constructs.consumer_access import ConsumerAccess, trusted_principal
from settings import EnvironmentConfig
from stacks.application_stack import ApplicationDataStack


def add_consumer_access(
    stack: ApplicationDataStack, *, config: EnvironmentConfig, encryption_key: kms.IKey
) -> dict[str, ConsumerAccess]:
    """One ``ConsumerAccess`` per consumer of ``stack``'s application, with exported ARNs.

    Living beside the tables keeps the policy's table ARNs local references;
    only the key ARN crosses stacks, through the import the tables already use.
    """
    tables = {key: data_table.table for key, data_table in stack.tables.items()}
    added = {}
    for consumer in consumers.for_application(stack.application):
        settings = config.consumer(consumer.id)
        principal = None
        if settings.existing_role is None:
            principal = trusted_principal(settings.trusted_principal or consumer.trusted_principal)
        access = ConsumerAccess(
            stack,
            consumer.construct_id,
            consumer=consumer,
            tables=tables,
            encryption_key=encryption_key,
            region=config.region,
            existing_role=settings.existing_role,
            assumed_by=principal,
        )
        stack.export(f"{consumer.construct_id}PolicyArn", access.policy.managed_policy_arn)
        stack.export(f"{consumer.construct_id}RoleArn", access.role.role_arn)
        added[consumer.id] = access
    return added

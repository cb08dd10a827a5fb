"""One application role's least-privilege access to its tables and the environment key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from aws_cdk import Acknowledgment, Stack, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from catalog import consumers as catalog_consumers
from catalog.access import ACCOUNT_ROOT, Consumer
from catalog.consumers import DerivedGrant

if TYPE_CHECKING:  # only a type here; importing aws_s3 costs every synth
    from aws_cdk import aws_s3 as s3


def trusted_principal(value: str) -> iam.IPrincipal:
    """A validated ``trusted_principal`` setting as an IAM principal."""
    if value == ACCOUNT_ROOT:
        return iam.AccountRootPrincipal()
    if value.startswith("arn:"):
        return iam.ArnPrincipal(value)
    return iam.ServicePrincipal(value)


class ConsumerAccess(Construct):
    """A customer-managed policy holding exactly one consumer's grants, on a new or existing role.

    Every DynamoDB statement names a table ARN or one index ARN (never
    ``index/*``), and the KMS statement names only the environment key and only
    when DynamoDB in ``region`` makes the call, so cdk-nag's IAM5 has nothing to
    flag and nothing needs acknowledging. The one exception is a
    :class:`~catalog.consumers.DerivedGrant` (the recovery operator's
    ``{table}-restored-*`` and ``{table}/backup/*``): names made at run time
    cannot be listed, so each such finding is acknowledged by its exact text.

    Parameters
    ----------
    consumer:
        The catalog entry: grants per table and index, and the default principal.
    tables:
        The consumer's tables by catalog key.
    encryption_key:
        The environment's CMK, the only key the policy may use.
    region:
        The tables' region; KMS use is limited to ``dynamodb.<region>.amazonaws.com``.
    existing_role:
        An IAM role ARN or name to attach the policy to. When given, no role is created.
    assumed_by:
        The principal trusted by the created role; ignored with ``existing_role``.
    bulk_load_bucket:
        The environment's staging bucket, when it has one. A consumer listed in
        ``catalog.consumers.BULK_LOAD_TABLES`` then also gets the bulk-operation actions on
        its table and object access to the bucket (none for other consumers).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        consumer: Consumer,
        tables: Mapping[str, dynamodb.ITableV2],
        encryption_key: kms.IKey,
        region: str,
        existing_role: str | None = None,
        assumed_by: iam.IPrincipal | None = None,
        bulk_load_bucket: s3.IBucket | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        if (existing_role is None) == (assumed_by is None):
            raise ValueError(f"{consumer.id}: give exactly one of existing_role and assumed_by")
        self.consumer = consumer
        self.policy = iam.ManagedPolicy(
            self,
            "Policy",
            description=f"{consumer.description}: data access (seed {consumer.seeds})",
            statements=[
                *self._build_table_statements(tables),
                self._build_key_statement(encryption_key, region),
                *self._build_direct_key_statements(encryption_key),
                *self._build_bulk_load_statements(tables, bulk_load_bucket, encryption_key, region),
            ],
        )
        self._acknowledge_derived_resources(tables)
        self._acknowledge_bulk_load_wildcards(tables, bulk_load_bucket)
        self.created_role = existing_role is None
        if existing_role is None:
            self.role: iam.IRole = iam.Role(
                self,
                "Role",
                assumed_by=assumed_by,
                description=consumer.description,
                managed_policies=[self.policy],
            )
        else:
            self.role = self._import_role(existing_role)
            self.policy.attach_to_role(self.role)

    def _build_table_statements(
        self, tables: Mapping[str, dynamodb.ITableV2]
    ) -> list[iam.PolicyStatement]:
        statements = []
        arns: dict[str, str] = {}  # each table's ARN read once: a read is a call into jsii
        for grant in self.consumer.grants:
            if grant.table not in arns:
                arns[grant.table] = tables[grant.table].table_arn
            table_arn = arns[grant.table]
            if isinstance(grant, DerivedGrant):
                resource = f"{table_arn}{grant.suffix}"
            elif grant.index is None:
                resource = table_arn
            else:
                resource = f"{table_arn}/index/{grant.index}"
            statements.append(
                iam.PolicyStatement(actions=sorted(grant.actions), resources=[resource])
            )
        return statements

    def _build_key_statement(self, key: kms.IKey, region: str) -> iam.PolicyStatement:
        return iam.PolicyStatement(
            actions=sorted(self.consumer.kms_actions),
            resources=[key.key_arn],
            conditions={"StringEquals": {"kms:ViaService": f"dynamodb.{region}.amazonaws.com"}},
        )

    def _build_direct_key_statements(self, key: kms.IKey) -> list[iam.PolicyStatement]:
        actions = getattr(self.consumer, "direct_kms_actions", ())
        if not actions:
            return []
        return [iam.PolicyStatement(actions=sorted(actions), resources=[key.key_arn])]

    def _acknowledge_derived_resources(self, tables: Mapping[str, dynamodb.ITableV2]) -> None:
        for grant in self.consumer.grants:
            if not isinstance(grant, DerivedGrant):
                continue
            table = tables[grant.table]
            logical_id = Stack.of(table).get_logical_id(table.node.default_child)
            Validations.of(self.policy).acknowledge(
                Acknowledgment(
                    id=f"AwsSolutions-IAM5[Resource::<{logical_id}.Arn>{grant.suffix}]",
                    reason=f"{grant.table}{grant.suffix}: {grant.reason}. The names are made "
                    "at run time, so only this prefix of the one table's ARN can be named.",
                )
            )

    def _build_bulk_load_statements(
        self,
        tables: Mapping[str, dynamodb.ITableV2],
        bucket: s3.IBucket | None,
        key: kms.IKey,
        region: str,
    ) -> list[iam.PolicyStatement]:
        table_key = catalog_consumers.BULK_LOAD_TABLES.get(self.consumer.id)
        if bucket is None or table_key is None:
            return []
        table_arn = tables[table_key].table_arn
        return [
            iam.PolicyStatement(
                actions=sorted(catalog_consumers.BULK_LOAD_ACTIONS),
                resources=[table_arn, f"{table_arn}/bulk-operation/*"],
            ),
            iam.PolicyStatement(
                actions=sorted(catalog_consumers.BULK_LOAD_S3_ACTIONS),
                resources=[bucket.arn_for_objects("*")],
            ),
            iam.PolicyStatement(actions=["s3:ListBucket"], resources=[bucket.bucket_arn]),
            iam.PolicyStatement(
                actions=sorted(self.consumer.kms_actions),
                resources=[key.key_arn],
                conditions={"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
            ),
        ]

    def _acknowledge_bulk_load_wildcards(
        self, tables: Mapping[str, dynamodb.ITableV2], bucket: s3.IBucket | None
    ) -> None:
        """The two wildcards a bulk load cannot avoid, each named exactly, so any other
        still fails the nag gate."""
        table_key = catalog_consumers.BULK_LOAD_TABLES.get(self.consumer.id)
        if bucket is None or table_key is None:
            return
        stack = Stack.of(self)
        table_id = stack.get_logical_id(tables[table_key].node.default_child)
        bucket_id = stack.get_logical_id(bucket.node.default_child)
        for finding, reason in (
            (
                f"AwsSolutions-IAM5[Resource::<{table_id}.Arn>/bulk-operation/*]",
                "Bulk operation ARNs are made by DynamoDB when a load starts; the wildcard "
                "covers operations on this one table only",
            ),
            (
                f"AwsSolutions-IAM5[Resource::<{bucket_id}.Arn>/*]",
                "Object names in the staging bucket are content hashes chosen at staging "
                "time; the bucket holds nothing but short-lived bulk-load copies",
            ),
        ):
            Validations.of(self.policy).acknowledge(Acknowledgment(id=finding, reason=reason))

    def _import_role(self, reference: str) -> iam.IRole:
        # mutable: the attachment is emitted as the policy's Roles property.
        if reference.startswith("arn:"):
            return iam.Role.from_role_arn(self, "ExistingRole", reference, mutable=True)
        return iam.Role.from_role_name(self, "ExistingRole", reference, mutable=True)

"""One application role's least-privilege access to its tables and the environment key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from aws_cdk import Acknowledgment, Stack, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from catalog.access import ACCOUNT_ROOT, Consumer, DerivedGrant

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
    ``index/*``), and the KMS statements name only the environment key and only
    when DynamoDB (or S3, for the staging bucket) in ``region`` makes the call. The
    exceptions are names made at run time (a :class:`~catalog.access.DerivedGrant`:
    ``{table}-restored-*``, ``{table}/backup/*``, ``{table}/export/*``, ``{table}/*``;
    staged object keys), and an :class:`~catalog.access.AccountGrant`, whose action takes
    no resource but ``*``. Each such cdk-nag finding is acknowledged by its exact text,
    with the grant's reason, so any other wildcard still fails the gate.

    Parameters
    ----------
    consumer:
        The catalog entry: grants per table and index, and the default principal.
    tables:
        The consumer's tables by catalog key.
    encryption_key:
        The environment's CMK, the only key the policy may use.
    region:
        The tables' region; KMS use is limited to ``dynamodb.<region>.amazonaws.com``
        (and ``s3.<region>.amazonaws.com`` for the staging bucket's objects).
    existing_role:
        An IAM role ARN or name to attach the policy to. When given, no role is created.
    assumed_by:
        The principal trusted by the created role; ignored with ``existing_role``.
    bulk_load_bucket:
        The environment's staging bucket, when it has one. The consumer's staging grants
        (bulk loads, exports, the bucket's objects) exist only then.
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
        staging = bulk_load_bucket is not None
        self._table_grants = consumer.table_grants(staging=staging)
        self._arns: dict[str, str] = {}  # each table's ARN read once: a read is a call into jsii
        self.policy = iam.ManagedPolicy(
            self,
            "Policy",
            description=f"{consumer.description}: data access (seed {consumer.seeds})",
            statements=[
                *self._build_table_statements(tables),
                *self._build_account_statements(staging),
                self._build_key_statement(encryption_key, "dynamodb", consumer.kms_actions, region),
                *self._build_direct_key_statements(encryption_key),
                *self._build_bucket_statements(bulk_load_bucket, encryption_key, region),
            ],
        )
        self._acknowledge_run_time_names(tables, bulk_load_bucket)
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

    def _table_arn(self, tables: Mapping[str, dynamodb.ITableV2], key: str) -> str:
        if key not in self._arns:
            self._arns[key] = tables[key].table_arn
        return self._arns[key]

    def _build_table_statements(
        self, tables: Mapping[str, dynamodb.ITableV2]
    ) -> list[iam.PolicyStatement]:
        statements = []
        for grant in self._table_grants:
            table_arn = self._table_arn(tables, grant.table)
            if isinstance(grant, DerivedGrant):
                resource = f"{table_arn}{grant.suffix}"
            elif grant.index is None:
                resource = table_arn
            else:
                resource = f"{table_arn}/index/{grant.index}"
            conditions = None
            if grant.leading_keys:
                conditions = {
                    "ForAllValues:StringLike": {"dynamodb:LeadingKeys": list(grant.leading_keys)}
                }
            statements.append(
                iam.PolicyStatement(
                    actions=sorted(grant.actions), resources=[resource], conditions=conditions
                )
            )
        return statements

    def _build_account_statements(self, staging: bool) -> list[iam.PolicyStatement]:
        return [
            iam.PolicyStatement(actions=sorted(grant.actions), resources=[grant.resource])
            for grant in self.consumer.account_grants_for(staging=staging)
        ]

    @staticmethod
    def _build_key_statement(
        key: kms.IKey, service: str, actions: tuple[str, ...], region: str
    ) -> iam.PolicyStatement:
        return iam.PolicyStatement(
            actions=sorted(actions),
            resources=[key.key_arn],
            conditions={"StringEquals": {"kms:ViaService": f"{service}.{region}.amazonaws.com"}},
        )

    def _build_direct_key_statements(self, key: kms.IKey) -> list[iam.PolicyStatement]:
        actions = self.consumer.direct_kms_actions
        if not actions:
            return []
        return [iam.PolicyStatement(actions=sorted(actions), resources=[key.key_arn])]

    def _build_bucket_statements(
        self, bucket: s3.IBucket | None, key: kms.IKey, region: str
    ) -> list[iam.PolicyStatement]:
        if bucket is None:
            return []
        statements = [
            iam.PolicyStatement(
                actions=sorted(grant.actions),
                resources=[bucket.bucket_arn]
                if not grant.keys
                else [bucket.arn_for_objects(keys) for keys in grant.keys],
            )
            for grant in self.consumer.bucket_grants_for(staging=True)
        ]
        via_s3 = self.consumer.kms_via_s3_actions(staging=True)
        if via_s3:
            statements.append(self._build_key_statement(key, "s3", via_s3, region))
        return statements

    def _acknowledge_run_time_names(
        self, tables: Mapping[str, dynamodb.ITableV2], bucket: s3.IBucket | None
    ) -> None:
        """Each wildcard a name made at run time forces, acknowledged by its exact finding."""
        stack = Stack.of(self)
        findings: dict[str, str] = {}
        for grant in self._table_grants:
            if not isinstance(grant, DerivedGrant):
                continue
            table = tables[grant.table]
            logical_id = stack.get_logical_id(table.node.default_child)
            findings.setdefault(
                f"AwsSolutions-IAM5[Resource::<{logical_id}.Arn>{grant.suffix}]",
                f"{grant.table}{grant.suffix}: {grant.reason}. The names are made at run "
                "time, so only this part of the one table's ARN can be named.",
            )
        for grant in self.consumer.account_grants_for(staging=bucket is not None):
            findings.setdefault(f"AwsSolutions-IAM5[Resource::{grant.resource}]", grant.reason)
        if bucket is not None:
            bucket_id = stack.get_logical_id(bucket.node.default_child)
            for grant in self.consumer.bucket_grants_for(staging=True):
                for keys in grant.keys:
                    findings.setdefault(
                        f"AwsSolutions-IAM5[Resource::<{bucket_id}.Arn>/{keys}]",
                        f"{grant.reason}. Object names under a staging PREFIX are chosen at "
                        "run time; the bucket holds nothing but short-lived staging copies.",
                    )
        for finding, reason in findings.items():
            Validations.of(self.policy).acknowledge(Acknowledgment(id=finding, reason=reason))

    def _import_role(self, reference: str) -> iam.IRole:
        # mutable: the attachment is emitted as the policy's Roles property.
        if reference.startswith("arn:"):
            return iam.Role.from_role_arn(self, "ExistingRole", reference, mutable=True)
        return iam.Role.from_role_name(self, "ExistingRole", reference, mutable=True)

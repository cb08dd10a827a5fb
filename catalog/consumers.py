"""The applications that read and write the tables, and exactly what each may do.

Transcribed from the seeds' job descriptions, not from their permission lists:
those lists were written for hand-run scripts (CreateTable, DeleteTable) and
for ``index/*``. Each grant below names the one table or index it covers and
says why the job needs it. README's access matrix must equal what these
synthesize to; tests/test_iam_access.py checks it.
"""

from __future__ import annotations

from dataclasses import dataclass

import catalog
from catalog.access import (
    ACCOUNT_ROOT,
    KMS_WRITER_ACTIONS,
    AccountGrant,
    BucketGrant,
    Consumer,
    DerivedGrant,
    Grant,
)
from catalog.agent_matching import AGENT_CONVERSATIONS, AGENT_PROFILES
from catalog.agent_matching import APPLICATION as AGENT_MATCHING
from catalog.model import Operation, TableSpec
from catalog.opportunity_analyzer import APPLICATION as OPPORTUNITY_ANALYZER
from catalog.opportunity_analyzer import OPPORTUNITY_SESSIONS
from catalog.root_orchestrator import APPLICATION as ROOT_ORCHESTRATOR
from catalog.root_orchestrator import MARKET_INTELLIGENCE_REQUESTS, REQUEST_PROCESSING_LOGS
from catalog.trade_matching import APPLICATION as TRADE_MATCHING
from catalog.trade_matching import PROCESSING_STATUS

ECS_TASKS = "ecs-tasks.amazonaws.com"
_CONTAINER = "a long-running service; ECS tasks is the usual host (override per environment)"

_REQUESTS = MARKET_INTELLIGENCE_REQUESTS.key
_LOGS = REQUEST_PROCESSING_LOGS.key
_STATUS = PROCESSING_STATUS.key
_SESSIONS = OPPORTUNITY_SESSIONS.key
_PROFILES = AGENT_PROFILES.key
_CONVERSATIONS = AGENT_CONVERSATIONS.key


def _query_each_index(table, reason: str) -> tuple[Grant, ...]:
    return tuple(
        Grant(table.key, ("dynamodb:Query",), index=index.name, reason=reason)
        for index in table.global_indexes
    )


ROOT_ORCHESTRATOR_SERVICE = Consumer(
    id="root-orchestrator-service",
    construct_id="RootOrchestratorService",
    application=ROOT_ORCHESTRATOR,
    description="Root Orchestrator API and table-strategy workers",
    seeds="000, 001",
    trusted_principal=ECS_TASKS,
    principal_reason=_CONTAINER,
    grants=(
        Grant(
            _REQUESTS,
            ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"),
            reason="API creates a request and reads it by id; workers update status and progress",
        ),
        *_query_each_index(
            MARKET_INTELLIGENCE_REQUESTS,
            "000/001 query patterns: by user, project, status and table strategy",
        ),
        Grant(_LOGS, ("dynamodb:PutItem",), reason="workers append processing log entries"),
        *_query_each_index(REQUEST_PROCESSING_LOGS, "000 'Get logs for a specific request'"),
    ),
)

TRADE_MATCHING_ORCHESTRATOR = Consumer(
    id="trade-matching-orchestrator",
    construct_id="TradeMatchingOrchestrator",
    application=TRADE_MATCHING,
    description="Trade-matching orchestrator (seed 002's agentcore_dynamodb_access)",
    seeds="002",
    trusted_principal="bedrock-agentcore.amazonaws.com",
    principal_reason="seed 002 deploys it from terraform/agentcore: an AgentCore Runtime agent",
    grants=(
        Grant(
            _STATUS,
            ("dynamodb:PutItem", "dynamodb:UpdateItem"),
            reason="StatusWriter creates a session's item, then updates each agent's status",
        ),
    ),
)

TRADE_MATCHING_PORTAL = Consumer(
    id="trade-matching-portal",
    construct_id="TradeMatchingPortal",
    application=TRADE_MATCHING,
    description="Trade-matching web portal (read-only status endpoint)",
    seeds="002 'Update Web Portal'",
    trusted_principal=ECS_TASKS,
    principal_reason=_CONTAINER,
    grants=(
        Grant(
            _STATUS,
            ("dynamodb:GetItem",),
            reason="shows one session's status; sessionId is the whole key, so GetItem suffices",
        ),
    ),
)

OPPORTUNITY_ANALYZER_LAMBDA = Consumer(
    id="opportunity-analyzer",
    construct_id="OpportunityAnalyzer",
    application=OPPORTUNITY_ANALYZER,
    description="Opportunity analyzer Lambda (assessment-center-backend)",
    seeds="003",
    trusted_principal="lambda.amazonaws.com",
    principal_reason="seed 003 adds the policy to the Lambda function's role",
    grants=(
        Grant(
            _SESSIONS,
            (
                "dynamodb:PutItem",
                "dynamodb:GetItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:Query",
                "dynamodb:Scan",
                "dynamodb:BatchWriteItem",
                "dynamodb:BatchGetItem",
            ),
            reason="seed 003 Phase 2 lists these eight; Scan serves its list",
        ),
        *_query_each_index(
            OPPORTUNITY_SESSIONS, "by status, by priority, and getOpportunity by opportunityId"
        ),
    ),
)

AGENT_MATCHING_SERVER = Consumer(
    id="agent-matching-server",
    construct_id="AgentMatchingServer",
    application=AGENT_MATCHING,
    description="Agent-matching server (server.py)",
    seeds="004",
    trusted_principal=ECS_TASKS,
    principal_reason=_CONTAINER,
    grants=(
        Grant(
            _PROFILES,
            ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Scan"),
            reason="POST /store, GET /retrieve/<id>, and GET /list (a full scan)",
        ),
        *_query_each_index(AGENT_PROFILES, "POST /match searches by job and by city"),
        Grant(
            _CONVERSATIONS,
            ("dynamodb:PutItem", "dynamodb:Query"),
            reason="POST /conversation, and GET /conversation/<id> (Query on the table key)",
        ),
        *_query_each_index(AGENT_CONVERSATIONS, "GET /agent/<id>/conversations"),
    ),
)

# The operators' consumers span every application: no application stack holds them alone;
# the stack that holds all the tables does (see ``spanning``).
ALL_APPLICATIONS = "all"
RESTORED_SUFFIX = "-restored-*"
BACKUP_SUFFIX = "/backup/*"
EXPORT_SUFFIX = "/export/*"
# Bulk operation ARNs: AWS publishes no format for them (see docs/decisions.md). Exports
# and imports are named under their table (``table/T/export/ID``), so the two bulk actions
# are granted on whatever DynamoDB names under the table, and on nothing else.
BULK_OPERATION_SUFFIX = "/*"
DERIVED_SUFFIXES = (RESTORED_SUFFIX, BACKUP_SUFFIX, EXPORT_SUFFIX, BULK_OPERATION_SUFFIX)
OPERATOR_PRINCIPAL_REASON = (
    "a person or a workflow, not a service: any principal of the environment's account "
    "that is itself allowed sts:AssumeRole on this role"
)

# The staging bucket's key layout (``ddbctl.bulk.location``); PREFIX may be empty.
REPORT_KEYS = ("reports/*", "*/reports/*")
EXPORT_KEYS = ("export/*", "*/export/*")
BULK_LOAD_ACTIONS = ("dynamodb:StartBulkPutItems",)
BULK_OPERATION_ACTIONS = ("dynamodb:CancelBulkOperation", "dynamodb:DescribeBulkOperation")
LIST_BULK_OPERATIONS = AccountGrant(
    ("dynamodb:ListBulkOperations",),
    reason="`ddbctl bulk list`: ListBulkOperations lists the account's operations in the "
    "region and names no table, so IAM can only take * as its resource",
    staging=True,
)


def _bulk_load_grants(table_key: str, *, why: str) -> tuple[Grant, ...]:
    """Start a bulk put into one table, and watch or cancel that table's operations."""
    return (
        Grant(table_key, BULK_LOAD_ACTIONS, reason=why, staging=True),
        DerivedGrant(
            table_key,
            BULK_OPERATION_ACTIONS,
            suffix=BULK_OPERATION_SUFFIX,
            reason="`ddbctl bulk status` and `cancel` on this table's bulk operations",
            staging=True,
        ),
    )


PROFILE_MIGRATION_OPERATOR = Consumer(
    id="profile-migration-operator",
    construct_id="ProfileMigrationOperator",
    application=AGENT_MATCHING,
    description="Operator running `ddbctl migrate-profiles` (seed 004's migrate_to_dynamodb.py)",
    seeds="004",
    trusted_principal=ACCOUNT_ROOT,
    principal_reason=OPERATOR_PRINCIPAL_REASON,
    grants=(
        Grant(
            _PROFILES,
            ("dynamodb:BatchWriteItem", "dynamodb:DescribeTable"),
            reason="checks the table is ACTIVE, then writes profiles in batches of 25",
        ),
        *_bulk_load_grants(
            _PROFILES, why="`migrate-profiles --via-s3` bulk-puts the staged profiles"
        ),
    ),
    account_grants=(LIST_BULK_OPERATIONS,),
    bucket_grants=(
        BucketGrant(
            ("s3:ListBucket",),
            reason="staging lists what a PREFIX already holds; the bulk put lists its input",
        ),
        BucketGrant(
            ("s3:GetObject", "s3:PutObject"),
            keys=("*",),
            reason="stages the inputs and their index, reads them back and reads the error "
            "reports; the bulk put reads the inputs and writes the reports as this role",
        ),
    ),
)

# RestoreTableToPointInTime and RestoreTableFromBackup need these data-plane actions on the
# target table, whether or not the restore itself calls them (AWS's restore IAM page).
RESTORE_TARGET_DATA_ACTIONS = (
    "dynamodb:BatchWriteItem",
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:UpdateItem",
)
RESTORED_TABLE_ACTIONS = (
    *RESTORE_TARGET_DATA_ACTIONS,
    "dynamodb:DeleteTable",
    "dynamodb:DescribeContinuousBackups",
    "dynamodb:DescribeTable",
    "dynamodb:DescribeTimeToLive",
    "dynamodb:ListTagsOfResource",
    "dynamodb:TagResource",
    "dynamodb:UpdateContinuousBackups",
    "dynamodb:UpdateTable",
    "dynamodb:UpdateTimeToLive",
)
SOURCE_TABLE_ACTIONS = (
    "dynamodb:BatchWriteItem",
    "dynamodb:DescribeContinuousBackups",
    "dynamodb:DescribeTable",
    "dynamodb:PutItem",
    "dynamodb:RestoreTableToPointInTime",
    "dynamodb:Scan",
)
# `copy --via-s3` exports its source and bulk-puts into its target: either may be a catalog
# table or a restored one.
COPY_VIA_S3_ACTIONS = ("dynamodb:ExportTableToPointInTime", *BULK_LOAD_ACTIONS)
RESTORED_COPY_VIA_S3_ACTIONS = (
    *COPY_VIA_S3_ACTIONS,
    "dynamodb:DescribeExport",
    *BULK_OPERATION_ACTIONS,
)
# A restore with SSESpecificationOverride makes DynamoDB create a grant on the key for the
# new table, and DescribeKey checks it; both only through DynamoDB.
RECOVERY_KMS_ACTIONS = (*KMS_WRITER_ACTIONS, "kms:CreateGrant", "kms:DescribeKey")
# Called by ddbctl itself, not through DynamoDB: finding the key ARN from its alias.
RECOVERY_DIRECT_KMS_ACTIONS = ("kms:DescribeKey",)


@dataclass(frozen=True)
class RecoveryConsumer(Consumer):
    """A consumer that restores tables: it needs the key grants a CMK restore makes."""

    @property
    def kms_actions(self) -> tuple[str, ...]:
        return RECOVERY_KMS_ACTIONS

    @property
    def direct_kms_actions(self) -> tuple[str, ...]:
        return RECOVERY_DIRECT_KMS_ACTIONS


def _recovery_grants(table: TableSpec) -> tuple[Grant, ...]:
    return (
        Grant(
            table.key,
            SOURCE_TABLE_ACTIONS,
            reason="restore reads the PITR window and restores from it; copy scans and counts "
            "it, and writes items back (conditional PutItem, or BatchWriteItem to overwrite)",
        ),
        DerivedGrant(
            table.key,
            ("dynamodb:RestoreTableFromBackup",),
            suffix=BACKUP_SUFFIX,
            reason="restore --backup-arn: a DynamoDB backup of this table",
        ),
        DerivedGrant(
            table.key,
            RESTORED_TABLE_ACTIONS,
            suffix=RESTORED_SUFFIX,
            reason="restore creates {physical name}-restored-*, re-applies TTL, PITR, deletion "
            "protection and tags, verifies it; the drill deletes its scratch copy",
        ),
        Grant(
            table.key,
            COPY_VIA_S3_ACTIONS,
            reason="`copy --via-s3` exports this table as a source, or bulk-puts into it",
            staging=True,
        ),
        DerivedGrant(
            table.key,
            ("dynamodb:DescribeExport",),
            suffix=EXPORT_SUFFIX,
            reason="`copy --via-s3` waits for its export of this table",
            staging=True,
        ),
        DerivedGrant(
            table.key,
            BULK_OPERATION_ACTIONS,
            suffix=BULK_OPERATION_SUFFIX,
            reason="`ddbctl bulk status` and `cancel` on this table's bulk operations",
            staging=True,
        ),
        DerivedGrant(
            table.key,
            RESTORED_COPY_VIA_S3_ACTIONS,
            suffix=RESTORED_SUFFIX,
            reason="`copy --via-s3` from or into a restored copy: its export and bulk put",
            staging=True,
        ),
    )


RECOVERY_OPERATOR = RecoveryConsumer(
    id="recovery-operator",
    construct_id="RecoveryOperator",
    application=ALL_APPLICATIONS,
    description="Operator running `ddbctl restore`, `ddbctl copy` and the restore drill",
    seeds="issue 17",
    trusted_principal=ACCOUNT_ROOT,
    principal_reason=OPERATOR_PRINCIPAL_REASON,
    grants=tuple(grant for table in catalog.TABLES for grant in _recovery_grants(table)),
    account_grants=(LIST_BULK_OPERATIONS,),
    bucket_grants=(
        BucketGrant(
            ("s3:ListBucket",),
            reason="`copy --via-s3` finds the export's data folder; the bulk put lists it",
        ),
        BucketGrant(
            ("s3:GetObject",),
            keys=("*",),
            reason="the bulk put reads the export's data objects as this role",
        ),
        BucketGrant(
            ("s3:AbortMultipartUpload", "s3:PutObject", "s3:PutObjectAcl"),
            keys=EXPORT_KEYS,
            reason="ExportTableToPointInTime writes the export as the caller (AWS's export "
            "permissions: these three S3 actions on the destination)",
        ),
        BucketGrant(
            ("s3:PutObject",),
            keys=REPORT_KEYS,
            reason="the bulk put writes its error reports under PREFIX/reports/ as this role",
        ),
    ),
)


def _reader_grants(table: TableSpec) -> tuple[Grant, ...]:
    """GetItem and Query exactly where the catalog's access patterns read this table."""
    patterns = table.access_patterns
    grants: list[Grant] = []
    table_actions = sorted(
        {"dynamodb:GetItem" for p in patterns if p.operation is Operation.GET}
        | {"dynamodb:Query" for p in patterns if p.operation is Operation.QUERY and not p.index}
    )
    if table_actions:
        names = ", ".join(p.name for p in patterns if p.index is None)
        grants.append(Grant(table.key, tuple(table_actions), reason=f"`ddbctl query` {names}"))
    for index in dict.fromkeys(p.index for p in patterns if p.index):
        names = ", ".join(p.name for p in patterns if p.index == index)
        grants.append(
            Grant(table.key, ("dynamodb:Query",), index=index, reason=f"`ddbctl query` {names}")
        )
    return tuple(grants)


DATA_READER = Consumer(
    id="data-reader",
    construct_id="DataReader",
    application=ALL_APPLICATIONS,
    description="Operator running `ddbctl query` (the catalog's access patterns)",
    seeds="000-004 query patterns",
    trusted_principal=ACCOUNT_ROOT,
    principal_reason=OPERATOR_PRINCIPAL_REASON,
    grants=tuple(grant for table in catalog.TABLES for grant in _reader_grants(table)),
)

# `ddbctl verify`'s round-trip item: its partition key starts with this (ddbctl.verification).
VERIFY_ITEM_PREFIX = "ddbctl-verify-"
VERIFY_DESCRIBE_ACTIONS = (
    "dynamodb:DescribeContinuousBackups",
    "dynamodb:DescribeTable",
    "dynamodb:DescribeTimeToLive",
    "dynamodb:ListTagsOfResource",
)
VERIFY_ROUND_TRIP_ACTIONS = ("dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem")


def _verifier_grants(table: TableSpec) -> tuple[Grant, ...]:
    return (
        Grant(
            table.key,
            VERIFY_DESCRIBE_ACTIONS,
            reason="checks the table, its TTL, PITR window, encryption and tags",
        ),
        Grant(
            table.key,
            VERIFY_ROUND_TRIP_ACTIONS,
            reason=f"the round trip puts, reads and deletes one test item; only items whose "
            f"partition key starts with {VERIFY_ITEM_PREFIX}",
            leading_keys=(f"{VERIFY_ITEM_PREFIX}*",),
        ),
    )


DEPLOYMENT_VERIFIER = Consumer(
    id="deployment-verifier",
    construct_id="DeploymentVerifier",
    application=ALL_APPLICATIONS,
    description="Operator or pipeline running `ddbctl verify` against a deployment",
    seeds="000 status, 002 verification",
    trusted_principal=ACCOUNT_ROOT,
    principal_reason=OPERATOR_PRINCIPAL_REASON,
    grants=tuple(grant for table in catalog.TABLES for grant in _verifier_grants(table)),
)

CONSUMERS: tuple[Consumer, ...] = (
    ROOT_ORCHESTRATOR_SERVICE,
    TRADE_MATCHING_ORCHESTRATOR,
    TRADE_MATCHING_PORTAL,
    OPPORTUNITY_ANALYZER_LAMBDA,
    AGENT_MATCHING_SERVER,
    PROFILE_MIGRATION_OPERATOR,
    RECOVERY_OPERATOR,
    DATA_READER,
    DEPLOYMENT_VERIFIER,
)
CONSUMER_IDS: tuple[str, ...] = tuple(consumer.id for consumer in CONSUMERS)


def consumer(consumer_id: str) -> Consumer:
    """Look a consumer up by id; an unknown id names the valid ones."""
    for candidate in CONSUMERS:
        if candidate.id == consumer_id:
            return candidate
    raise KeyError(f"unknown consumer {consumer_id!r}; valid ids: {', '.join(CONSUMER_IDS)}")


def for_application(application: str) -> tuple[Consumer, ...]:
    """The consumers whose tables all live in ``application``'s stack."""
    return tuple(c for c in CONSUMERS if c.application == application)


def spanning() -> tuple[Consumer, ...]:
    """The consumers with grants on every application's tables: the stack holding all the
    tables adds them."""
    return tuple(c for c in CONSUMERS if c.application == ALL_APPLICATIONS)

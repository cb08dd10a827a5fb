"""AWS Backup for the data layer: an encrypted vault and a daily plan."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_backup as backup
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from cdk_constructs.alarm_topic import AlarmTopic

BACKUP_ROLE_POLICY = "service-role/AWSBackupServiceRolePolicyForBackup"
# AWS Backup's own default daily slot; off-peak for us-east-1 users.
DAILY_AT_UTC = events.Schedule.cron(minute="0", hour="5")
NOTIFIED_EVENTS = ["BACKUP_JOB_FAILED", "BACKUP_JOB_EXPIRED"]


class DailyBackupPlan(Construct):
    """A vault encrypted with the environment key and a plan with one daily rule.

    Tables join the plan through :meth:`select`, which creates the selection in
    the caller's scope (the table's own stack), so table ARNs never cross stacks.
    The vault is always retained: recovery points outlive a deleted stack.
    Failed or expired backup jobs are reported to ``notification_topic``.

    Parameters
    ----------
    environment_name:
        Prefix of the vault and plan names.
    encryption_key:
        The environment's customer-managed key.
    retention_days:
        Days each daily recovery point is kept.
    notification_topic:
        Where the vault reports failed and expired backup jobs.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        environment_name: str,
        encryption_key: kms.IKey,
        retention_days: int,
        notification_topic: AlarmTopic,
    ) -> None:
        super().__init__(scope, construct_id)
        vault_name = f"{environment_name}-dynamodb"
        self.vault = backup.BackupVault(
            self,
            "Vault",
            backup_vault_name=vault_name,
            encryption_key=encryption_key,
            removal_policy=RemovalPolicy.RETAIN,
        )
        # Set on the L1: the L2's notification_topic grants backup.amazonaws.com
        # the key and topic without an account condition.
        cfn_vault: backup.CfnBackupVault = self.vault.node.default_child
        cfn_vault.notifications = backup.CfnBackupVault.NotificationObjectTypeProperty(
            backup_vault_events=NOTIFIED_EVENTS, sns_topic_arn=notification_topic.topic.topic_arn
        )
        stack = Stack.of(self)
        notification_topic.grant_service_publish(
            "backup.amazonaws.com",
            source_arn=f"arn:{stack.partition}:backup:{stack.region}:{stack.account}:"
            f"backup-vault:{vault_name}",
        )
        self.plan = backup.BackupPlan(
            self,
            "Plan",
            backup_plan_name=f"{environment_name}-dynamodb-daily",
            backup_plan_rules=[
                backup.BackupPlanRule(
                    rule_name="Daily",
                    backup_vault=self.vault,
                    schedule_expression=DAILY_AT_UTC,
                    start_window=Duration.hours(1),
                    completion_window=Duration.hours(8),
                    delete_after=Duration.days(retention_days),
                )
            ],
        )
        # One role for every selection: AWS Backup assumes it to back tables up.
        self.role = iam.Role(
            self,
            "SelectionRole",
            assumed_by=iam.ServicePrincipal("backup.amazonaws.com"),
            description=f"AWS Backup creates {environment_name} DynamoDB backups with this role",
            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name(BACKUP_ROLE_POLICY)],
        )
        Validations.of(self.role).acknowledge(
            Acknowledgment(
                id=f"AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
                f"{BACKUP_ROLE_POLICY}]",
                reason="AWS Backup documents this AWS-maintained policy as the backup role's "
                "policy; AWS updates it when the service needs new DynamoDB or KMS calls",
            )
        )

    def select(
        self, scope: Construct, construct_id: str, *, name: str, tables: Sequence[dynamodb.ITableV2]
    ) -> backup.BackupSelection:
        """Add ``tables`` to the plan with a selection created in ``scope``."""
        return backup.BackupSelection(
            scope,
            construct_id,
            backup_plan=self.plan,
            backup_selection_name=name,
            resources=[backup.BackupResource.from_arn(table.table_arn) for table in tables],
            role=self.role,
            # The role already carries the backup policy; do not attach it again.
            disable_default_backup_policy=True,
        )

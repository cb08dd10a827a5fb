"""The one SNS topic per environment that every data-layer alarm notifies."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct


class AlarmTopic(Construct):
    """An SNS topic encrypted with the environment's key, TLS-only, with email subscribers.

    CloudWatch publishes alarm state changes with its own service identity, so
    both the topic policy and the key policy must let ``cloudwatch.amazonaws.com``
    in; :meth:`grant_service_publish` does that for any service, limited to this
    account's resources.

    Parameters
    ----------
    environment_name:
        Prefix of the topic name.
    encryption_key:
        The environment's customer-managed key (also encrypts the tables).
    emails:
        Addresses subscribed to the topic; each must confirm the mail SNS sends.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        environment_name: str,
        encryption_key: kms.IKey,
        emails: Sequence[str],
    ) -> None:
        super().__init__(scope, construct_id)
        self.topic = sns.Topic(
            self,
            "Topic",
            topic_name=f"{environment_name}-dynamodb-alarms",
            display_name=f"{environment_name} DynamoDB alarms",
            master_key=encryption_key,
            enforce_ssl=True,
        )
        for email in emails:
            self.topic.add_subscription(subscriptions.EmailSubscription(email))
        self._encryption_key = encryption_key
        stack = Stack.of(self)
        self.grant_service_publish(
            "cloudwatch.amazonaws.com",
            source_arn=f"arn:{stack.partition}:cloudwatch:{stack.region}:{stack.account}:alarm:*",
        )

    def grant_service_publish(self, service: str, *, source_arn: str) -> None:
        """Let an AWS service publish to the topic on behalf of this account only.

        Adds ``sns:Publish`` to the topic policy and ``kms:Decrypt`` /
        ``kms:GenerateDataKey`` to the key policy, both conditioned on
        ``aws:SourceAccount`` and ``aws:SourceArn`` (``source_arn`` may end in
        ``*``) so another account's resources cannot use them (confused deputy).
        ``source_arn`` must be a plain string: a token here would make the key
        stack depend on the stack that holds the publisher.
        """
        stack = Stack.of(self)
        principal = iam.ServicePrincipal(service)
        conditions = {
            "StringEquals": {"aws:SourceAccount": stack.account},
            "ArnLike": {"aws:SourceArn": source_arn},
        }
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[principal],
                actions=["sns:Publish"],
                resources=[self.topic.topic_arn],
                conditions=conditions,
            )
        )
        self._encryption_key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[principal],
                # Named exactly (not GenerateDataKey*): SNS only calls GenerateDataKey.
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                # In a key policy "*" means this key only.
                resources=["*"],
                conditions=conditions,
            )
        )

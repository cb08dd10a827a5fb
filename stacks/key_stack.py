"""The environment's shared stack: the CMK every application stack encrypts with."""

from __future__ import annotations

from aws_cdk import Environment, Stack
from constructs import Construct

from cdk_constructs import DataKey
from settings import EnvironmentConfig


class DataKeyStack(Stack):
    """Holds resources shared by all application stacks of one environment."""

    def __init__(self, scope: Construct, construct_id: str, *, config: EnvironmentConfig) -> None:
        super().__init__(
            scope,
            construct_id,
            env=Environment(account=config.account, region=config.region),
            description=f"{config.name}: shared KMS key for the DynamoDB data layer",
            termination_protection=config.protected,
        )
        self.data_key = DataKey(self, "DataKey", environment_name=config.name)
        self.key = self.data_key.key

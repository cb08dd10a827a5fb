"""The environment's shared stack: the CMK every application stack encrypts with."""

from __future__ import annotations

from constructs import Construct

from cdk_constructs import DataKey
from settings import EnvironmentConfig
from stacks.environment_stack import EnvironmentStack


class DataKeyStack(EnvironmentStack):
    """Holds resources shared by all application stacks of one environment."""

    def __init__(self, scope: Construct, construct_id: str, *, config: EnvironmentConfig) -> None:
        super().__init__(
            scope,
            construct_id,
            config=config,
            description="shared KMS key for the DynamoDB data layer",
        )
        self.data_key = DataKey(self, "DataKey", environment_name=config.name)
        self.key = self.data_key.key

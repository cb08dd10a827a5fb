"""The base of every stack: pinned to one environment's account, region and protection."""

from __future__ import annotations

from aws_cdk import CfnOutput, Environment, RemovalPolicy, Stack
from constructs import Construct

from settings import EnvironmentConfig


class EnvironmentStack(Stack):
    """Sets ``env`` explicitly (hermetic synth, no lookups) and termination protection
    in protected environments, so no stack can forget either."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        description: str,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            env=Environment(account=config.account, region=config.region),
            description=f"{config.name}: {description}",
            termination_protection=config.protected,
        )
        self.config = config

    @property
    def removal_policy(self) -> RemovalPolicy:
        """The environment's policy for stateful resources (RETAIN unless dev says destroy)."""
        if self.config.removal_policy == "retain":
            return RemovalPolicy.RETAIN
        return RemovalPolicy.DESTROY

    def export(self, name: str, value: str) -> CfnOutput:
        """A stack output exported as ``{env}-{name}``, so consumers import it per environment."""
        return CfnOutput(self, name, value=value, export_name=f"{self.config.name}-{name}")

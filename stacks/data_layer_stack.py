"""The one stack of an environment: pinned to its account, region and protection."""

from __future__ import annotations

from aws_cdk import CfnOutput, Environment, RemovalPolicy, Stack
from constructs import Construct

from settings import EnvironmentConfig


class DataLayerStack(Stack):
    """Everything one environment deploys, so ``cdk deploy --context env=prod`` needs no
    stack name and no value crosses a stack boundary (no ``Fn::ImportValue`` to deadlock).

    ``env`` is explicit (hermetic synth, no lookups), and protected environments get
    termination protection.
    """

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
        """A stack output exported as ``{env}-{name}``, the names applications outside this
        repository import (seed 003's consumers import the table by export name)."""
        return CfnOutput(self, name, value=value, export_name=f"{self.config.name}-{name}")

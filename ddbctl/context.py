"""What every data-plane command needs: the environment's config and a client."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import catalog
from ddbctl.client import dynamodb_client
from ddbctl.endpoint import checked_endpoint
from ddbctl.errors import EXIT_USAGE, CliError
from settings import ConfigError, EnvironmentConfig, load_from_cdk_json

ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL_DYNAMODB"


@dataclass(frozen=True)
class CommandContext:
    config: EnvironmentConfig
    endpoint_url: str | None

    @classmethod
    def from_args(cls, *, env: str, endpoint_url: str | None) -> CommandContext:
        try:
            config = load_from_cdk_json(env)
        except ConfigError as error:  # the configuration is the user's input: a usage error
            raise CliError(str(error), exit_code=EXIT_USAGE) from None
        if endpoint_url is None:
            endpoint_url = checked_endpoint(
                os.environ.get(ENDPOINT_VARIABLE), source=f"${ENDPOINT_VARIABLE}"
            )
        return cls(config=config, endpoint_url=endpoint_url)

    def client(self, **options: Any) -> Any:
        return dynamodb_client(region=self.config.region, endpoint_url=self.endpoint_url, **options)

    def table_name(self, spec: catalog.TableSpec) -> str:
        return self.config.table_name(spec)

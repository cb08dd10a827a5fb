"""Per-environment settings of one application role: adopt an existing role, or trust whom."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from catalog.access import ACCOUNT_ROOT

# IAM names are ASCII; without re.ASCII, \w and \d would also match other scripts' letters
# and digits (an account id in Arabic-Indic digits, say).
_NAME = r"[\w+=,.@-]{1,64}"
ROLE_ARN = re.compile(
    rf"^arn:aws(?:-[a-z]+)*:iam::(?P<account>[0-9]{{12}}):role/(?:[\w+=,.@-]+/)*{_NAME}\Z",
    re.ASCII,
)
ROLE_NAME = re.compile(rf"^{_NAME}\Z", re.ASCII)
SERVICE_PRINCIPAL = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.amazonaws\.com\Z")
PRINCIPAL_ARN = re.compile(
    r"^arn:aws(?:-[a-z]+)*:iam::[0-9]{12}:"
    r"(?:root|(?:role|user)/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64})\Z",
    re.ASCII,
)


class ConsumerSettings(BaseModel):
    """How one consumer's policy lands in one environment.

    ``existing_role`` (an IAM role ARN in the environment's account, or a bare
    role name) attaches the policy to a role the application already has, and
    no role is created. Otherwise the stack creates a role trusted by
    ``trusted_principal`` (the catalog default when unset): a service such as
    ``lambda.amazonaws.com``, an IAM role/user/root ARN, or ``"account"`` for
    the environment's own account root.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    existing_role: str | None = None
    trusted_principal: str | None = None

    @field_validator("existing_role")
    @classmethod
    def _role(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value.startswith("arn:"):
            if not ROLE_ARN.match(value):
                raise ValueError(
                    f"malformed role ARN {value!r}: use arn:aws:iam::<account>:role/<name>"
                )
        elif not ROLE_NAME.match(value):
            raise ValueError(
                f"{value!r} is neither a role ARN nor a role name "
                "(1-64 of letters, digits and +=,.@_-)"
            )
        return value

    @field_validator("trusted_principal")
    @classmethod
    def _principal(cls, value: str | None) -> str | None:
        if value is None or value == ACCOUNT_ROOT:
            return value
        if SERVICE_PRINCIPAL.match(value) or PRINCIPAL_ARN.match(value):
            return value
        raise ValueError(
            f"unsupported principal {value!r}: use a service (lambda.amazonaws.com), an IAM "
            f'ARN (arn:aws:iam::<account>:role/<name>) or "{ACCOUNT_ROOT}"'
        )

    @model_validator(mode="after")
    def _one_or_the_other(self) -> ConsumerSettings:
        if self.existing_role is not None and self.trusted_principal is not None:
            raise ValueError(
                "set existing_role or trusted_principal, not both: an existing role keeps "
                "its own trust policy"
            )
        return self

    @property
    def existing_role_account(self) -> str | None:
        match = ROLE_ARN.match(self.existing_role or "")
        return match["account"] if match else None

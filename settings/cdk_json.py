"""Find the project's ``cdk.json`` and read its context the way ``app.py`` receives it.

The CDK CLI parses ``cdk.json`` and hands the context to the app, which drops
every object member whose value is ``null``. ``ddbctl`` reads the file itself,
so it applies the same rule (:func:`drop_null_members`) before the shared
validation in :mod:`settings.loader`; otherwise ``"backup_retention_days":
null`` would mean the default to ``cdk synth`` and an error to ``ddbctl``.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from settings.errors import ConfigError

CDK_JSON_VARIABLE = "DDBCTL_CDK_JSON"
# The checkout this code runs from (ddbctl runs from the checkout, or an editable install).
CHECKOUT_CDK_JSON = Path(__file__).resolve().parent.parent / "cdk.json"


def drop_null_members(value: Any) -> Any:
    """``value`` without object members that are ``null``, at any depth, as CDK's context
    reaches the app. Nulls inside arrays stay, as they do in CDK."""
    if isinstance(value, Mapping):
        return {key: drop_null_members(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [drop_null_members(item) for item in value]
    return value


def locate_cdk_json() -> Path:
    """``$DDBCTL_CDK_JSON`` when set, else the checkout's ``cdk.json``, else ``./cdk.json``."""
    explicit = os.environ.get(CDK_JSON_VARIABLE)
    if explicit is not None:
        path = Path(explicit)
        if path.is_dir():
            path = path / "cdk.json"
        if not explicit or not path.is_file():
            raise ConfigError(
                f"${CDK_JSON_VARIABLE} is {explicit!r}, which is not a cdk.json file: set it to "
                "the project's cdk.json (or its directory), or unset it"
            )
        return path
    candidates = list(dict.fromkeys([CHECKOUT_CDK_JSON, Path.cwd() / "cdk.json"]))
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    looked = " and ".join(str(candidate) for candidate in candidates)
    raise ConfigError(
        f"no cdk.json found (looked at {looked}): run ddbctl in the project's checkout, or "
        f"set {CDK_JSON_VARIABLE}=/path/to/cdk.json"
    )


class _NotAFiniteNumberError(ValueError):
    """A number ``cdk.json`` holds that no double can (1e400), or NaN/Infinity."""


def _finite(literal: str) -> float:
    number = float(literal)
    if not math.isfinite(number):
        raise _NotAFiniteNumberError(
            f"has the number {literal}, which is beyond a double (the CDK CLI reads it as "
            "Infinity, then drops it): use a finite value"
        )
    return number


def _no_constant(literal: str) -> Any:
    raise _NotAFiniteNumberError(f"has {literal}, which is not JSON: use a number")


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    return {list: "an array", str: "a string", int: "a number", float: "a number"}.get(
        type(value), "null"
    )


def parse_cdk_json(data: bytes, *, source: str) -> dict[str, Any]:
    """The ``context`` object of ``cdk.json`` bytes, null members dropped; one-line errors."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"{source} is not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}): "
            "save it as UTF-8"
        ) from None
    try:
        document = json.loads(text, parse_float=_finite, parse_constant=_no_constant)
    except _NotAFiniteNumberError as error:
        raise ConfigError(f"{source} {error}") from None
    except json.JSONDecodeError as error:
        raise ConfigError(f"{source} is not valid JSON ({error}): fix it") from None
    except RecursionError:
        raise ConfigError(f"{source} is nested too deeply to read: fix it") from None
    if not isinstance(document, dict):
        raise ConfigError(
            f"{source} holds {_kind(document)}, not an object: it must be an "
            'object with "app" and "context"'
        )
    context = document.get("context", {})
    if context is None:
        context = {}
    if not isinstance(context, dict):
        raise ConfigError(
            f'{source} "context" is {_kind(context)}, not an object: make it an '
            'object holding "environments"'
        )
    return drop_null_members(context)


def read_cdk_json(path: Path) -> dict[str, Any]:
    """Read and parse ``path`` (see :func:`parse_cdk_json`)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror or error}") from None
    return parse_cdk_json(data, source=str(path))

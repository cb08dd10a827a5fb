"""Where templates come from: an in-process synth, or a ``cdk synth`` output directory.

In-process synthesis is the default because it needs nothing but the code
(``make test`` runs it); ``--cdk-out`` reads what ``make synth`` wrote, so CI
checks exactly the assembly that ``cdk diff`` compares.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from catalog import TableSpec
from settings import EnvironmentConfig

Templates = dict[str, dict[str, Any]]  # stack name -> template


class TemplateError(Exception):
    """Templates could not be produced or read; one line naming the fix."""


def _belongs(stack_name: str, environment: str) -> bool:
    return stack_name.startswith(f"{environment}-")


PROJECT_NODE_BIN = Path(__file__).resolve().parent.parent / "node_modules" / ".bin"


def _prefer_project_node() -> None:
    """jsii runs the first ``node`` on PATH; the project's Node 22 avoids Node 20's EOL banner."""
    if (PROJECT_NODE_BIN / "node").exists() and not os.environ.get("PATH", "").startswith(
        str(PROJECT_NODE_BIN)
    ):
        os.environ["PATH"] = f"{PROJECT_NODE_BIN}{os.pathsep}{os.environ.get('PATH', '')}"


def synthesize(
    configs: Iterable[EnvironmentConfig],
    *,
    applications: Mapping[str, tuple[TableSpec, ...]] | None = None,
    outdir: Path | None = None,
) -> dict[str, Templates]:
    """Synthesize every environment in one app: ``{env: {stack name: template}}``.

    ``applications`` overrides the catalog (tests synthesize would-be changes);
    ``outdir`` keeps the cloud assembly, as ``cdk synth --output`` would.
    """
    _prefer_project_node()
    import aws_cdk as cdk  # CDK is only needed here, so the rest stays importable without it.

    from stacks.environment import add_environment

    configs = list(configs)
    app = cdk.App(outdir=str(outdir)) if outdir else cdk.App()
    try:
        for config in configs:
            add_environment(app, config=config, applications=applications)
        assembly = app.synth()
    except Exception as error:  # any synth failure is the user's to fix
        # Catalog, sample-data and CDK validation errors surface here; the lock
        # check cannot judge templates that do not build.
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        names = ", ".join(config.name for config in configs)
        raise TemplateError(
            f"cannot synthesize {names}: {first} (fix it; `cdk synth -c env=<env>` shows it whole)"
        ) from None
    return {
        config.name: {
            stack.stack_name: stack.template
            for stack in assembly.stacks
            if _belongs(stack.stack_name, config.name)
        }
        for config in configs
    }


def expected_stack_names(config: EnvironmentConfig) -> tuple[str, ...]:
    """The stacks ``config``'s environment deploys, by name, from the code that adds them."""
    _prefer_project_node()
    from stacks.environment import stack_names  # imports CDK, so only when asked

    return stack_names(config)


def read_cloud_assembly(directory: Path, environment: str) -> Templates:
    """The ``environment`` stacks' templates from a ``cdk synth --output`` directory."""
    manifest_path = directory / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TemplateError(
            f"{manifest_path} not found: run `make synth` first, or drop --cdk-out to "
            "synthesize in-process"
        ) from None
    except (OSError, ValueError) as error:
        raise TemplateError(
            f"cannot read {manifest_path} ({error}): run `make synth` again"
        ) from None
    templates: Templates = {}
    for artifact_id, artifact in manifest.get("artifacts", {}).items():
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        properties = artifact.get("properties", {})
        stack_name = properties.get("stackName", artifact_id)
        if not _belongs(stack_name, environment):
            continue
        template_path = directory / properties["templateFile"]
        try:
            templates[stack_name] = json.loads(template_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise TemplateError(
                f"cannot read {template_path} ({error}): run `make synth` again"
            ) from None
    if not templates:
        raise TemplateError(
            f"{directory} has no {environment} stacks: synthesize it with "
            f"`cdk synth --context env={environment} --output {directory}`"
        )
    return templates

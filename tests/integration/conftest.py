"""The integration tier reads each environment's templates, never its construct tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from settings import ENVIRONMENT_NAMES, load_from_cdk_json
from tests import template_cache
from tests.conftest import (
    STAGING_BUCKET_VARIANT,
    EnvironmentTemplates,
    staging_bucket_config,
    synthesize,
)


@pytest.fixture(scope="session", params=ENVIRONMENT_NAMES)
def environment(request: pytest.FixtureRequest) -> EnvironmentTemplates:
    """The environment's templates from the template cache: the infra tier leaves them
    there, and otherwise the first worker to ask synthesizes them for the others."""
    config = load_from_cdk_json(request.param)
    templates = template_cache.load_or_build(
        request.param, build=lambda: synthesize(config).templates
    )
    return EnvironmentTemplates(config=config, templates=templates)


@pytest.fixture(scope="session")
def staging_bucket_templates() -> dict:
    """Dev's templates with its staging bucket on (the infra tier leaves them cached)."""
    return template_cache.load_or_build(
        STAGING_BUCKET_VARIANT, build=lambda: synthesize(staging_bucket_config()).templates
    )


# The fixtures that read synthesized templates.
TEMPLATE_FIXTURES = frozenset({"environment", "staging_bucket_templates"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that read templates go last: `make test` runs this tier beside the infra
    tier, whose synth caches the templates meanwhile (a worker that finds no entry
    synthesizes it itself, at the cost of a jsii kernel)."""
    here = Path(__file__).parent
    items.sort(
        key=lambda item: (
            here in item.path.parents and bool(TEMPLATE_FIXTURES & set(item.fixturenames))
        )
    )

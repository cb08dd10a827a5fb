"""One masked JSON snapshot per environment and stack.

A diff here is a deploy diff: read it, then ``make update-snapshots``.
"""

from __future__ import annotations

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from settings import ENVIRONMENT_NAMES
from stacks.environment import SAMPLE_DATA_COMPONENT, STACK_COMPONENTS
from tests.masking import mask


@pytest.fixture
def snapshot_json(snapshot):
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("component", STACK_COMPONENTS)
@pytest.mark.parametrize("env_name", ENVIRONMENT_NAMES)
def test_template_snapshot(environments, env_name, component, snapshot_json):
    template = environments[env_name].templates[f"{env_name}-{component}"]
    assert mask(template) == snapshot_json


def test_masking_hides_accounts_and_hashes():
    masked = mask(
        {
            "CDKMetadata": {"Type": "AWS::CDK::Metadata"},
            "Arn": "arn:aws:iam::123456789012:role/x",
            "S3Key": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.zip",
        }
    )
    assert masked == {"Arn": "arn:aws:iam::<ACCOUNT>:role/x", "S3Key": "<ASSET-HASH>.zip"}


def test_sample_data_snapshot(environments, snapshot_json):
    """Only environments with ``seed_sample_data`` have this stack; dev does."""
    template = environments["dev"].templates[f"dev-{SAMPLE_DATA_COMPONENT}"]
    assert mask(template) == snapshot_json

"""One masked JSON snapshot per environment (its one stack).

A diff here is a deploy diff: read it, then ``make update-snapshots``.
"""

from __future__ import annotations

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from settings import ENVIRONMENT_NAMES
from tests.masking import mask


@pytest.fixture
def snapshot_json(snapshot):
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("env_name", ENVIRONMENT_NAMES)
def test_template_snapshot(environments, env_name, snapshot_json):
    """A failure here is a deploy diff: read it, then run `make update-snapshots`."""
    (template,) = environments[env_name].templates.values()
    assert mask(template) == snapshot_json, (
        "the template changed: review it, then `make update-snapshots`"
    )


def test_masking_hides_accounts_and_hashes():
    masked = mask(
        {
            "CDKMetadata": {"Type": "AWS::CDK::Metadata"},
            "Arn": "arn:aws:iam::123456789012:role/x",
            "S3Key": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.zip",
        }
    )
    assert masked == {"Arn": "arn:aws:iam::<ACCOUNT>:role/x", "S3Key": "<ASSET-HASH>.zip"}

"""The alias ``ddbctl restore`` resolves the data key through is the one the stack creates."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk.assertions import Template

from cdk_constructs.data_key import DataKey
from ddbctl.recovery.encryption import key_alias


def test_the_alias_is_the_one_the_data_key_construct_creates():
    stack = cdk.Stack()
    DataKey(stack, "Key", environment_name="staging")
    aliases = Template.from_stack(stack).find_resources("AWS::KMS::Alias")
    assert [a["Properties"]["AliasName"] for a in aliases.values()] == [key_alias("staging")]

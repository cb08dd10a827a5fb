"""The permission check's parts: the policy evaluator, the template resolver, the call
recorder and the mapping of calls to IAM actions and resources."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from tests.iam.calls import Account, Call, UnmappedCallError, recording, requirements
from tests.iam.policy import Placement, Policy, Requirement, resolve, role_policy

TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/dev-t"
KEY = "arn:aws:kms:us-east-1:123456789012:key/k"
ACCOUNT = Account(
    account="123456789012",
    region="us-east-1",
    data_key_arn=KEY,
    partition_key=lambda _table: "pk",
    aliases={"alias/dev-dynamodb-data": KEY},
)


def policy(*statements: dict) -> Policy:
    return Policy.from_document("test", {"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource, **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


# ------------------------------------------------------------------ evaluator


def test_nothing_is_allowed_without_an_allow():
    assert not policy().allows(Requirement("dynamodb:GetItem", TABLE))


def test_actions_match_case_insensitively_and_with_wildcards():
    assert policy(allow("DynamoDB:getitem", TABLE)).allows(Requirement("dynamodb:GetItem", TABLE))
    assert policy(allow("dynamodb:Get*", TABLE)).allows(Requirement("dynamodb:GetItem", TABLE))
    assert not policy(allow("dynamodb:Get*", TABLE)).allows(Requirement("dynamodb:PutItem", TABLE))


def test_resources_match_exactly_or_by_wildcard_across_slashes():
    restored = policy(allow("dynamodb:Scan", f"{TABLE}-restored-*"))
    assert restored.allows(Requirement("dynamodb:Scan", f"{TABLE}-restored-x/export/1"))
    assert not restored.allows(Requirement("dynamodb:Scan", TABLE))
    assert not policy(allow("dynamodb:Scan", TABLE)).allows(
        Requirement("dynamodb:Scan", f"{TABLE}/index/i")
    )
    upper = policy(allow("dynamodb:Scan", "arn:aws:dynamodb:us-east-1:123456789012:table/DEV-T"))
    assert not upper.allows(Requirement("dynamodb:Scan", TABLE))  # ARNs are case-sensitive


def test_an_action_that_takes_no_resource_needs_a_star():
    listing = Requirement("dynamodb:ListBulkOperations", "*")
    assert not policy(allow("dynamodb:ListBulkOperations", TABLE)).allows(listing)
    assert policy(allow("dynamodb:ListBulkOperations", "*")).allows(listing)


def test_an_explicit_deny_wins():
    both = policy(
        allow("dynamodb:*", "*"),
        {"Effect": "Deny", "Action": "dynamodb:DeleteTable", "Resource": TABLE},
    )
    assert both.allows(Requirement("dynamodb:DeleteItem", TABLE))
    assert not both.allows(Requirement("dynamodb:DeleteTable", TABLE))


def test_not_action_and_not_resource():
    everything_but = policy(
        {"Effect": "Allow", "NotAction": "dynamodb:DeleteTable", "NotResource": f"{TABLE}-x"}
    )
    assert everything_but.allows(Requirement("dynamodb:GetItem", TABLE))
    assert not everything_but.allows(Requirement("dynamodb:DeleteTable", TABLE))
    assert not everything_but.allows(Requirement("dynamodb:GetItem", f"{TABLE}-x"))


def test_via_service_holds_only_through_that_service():
    via = policy(
        allow(
            "kms:Decrypt",
            KEY,
            Condition={"StringEquals": {"kms:ViaService": "dynamodb.us-east-1.amazonaws.com"}},
        )
    )
    assert via.allows(Requirement("kms:Decrypt", KEY, ACCOUNT.via("dynamodb")))
    assert not via.allows(Requirement("kms:Decrypt", KEY, ACCOUNT.via("s3")))
    assert not via.allows(Requirement("kms:Decrypt", KEY))  # directly: no ViaService


def test_leading_keys_allow_only_matching_partition_keys():
    verifier = policy(
        allow(
            "dynamodb:PutItem",
            TABLE,
            Condition={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["ddbctl-verify-*"]}},
        )
    )

    def put(*keys: str) -> Requirement:
        return Requirement("dynamodb:PutItem", TABLE, (("dynamodb:LeadingKeys", keys),))

    assert verifier.allows(put("ddbctl-verify-1"))
    assert not verifier.allows(put("agent-1"))
    assert not verifier.allows(put("ddbctl-verify-1", "agent-1"))
    # IAM's rule, kept: ForAllValues holds when the request has no such key at all.
    assert verifier.allows(Requirement("dynamodb:PutItem", TABLE))


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("StringNotEquals", "b", True),
        ("StringNotEquals", "a", False),
        ("StringEqualsIfExists", None, True),
        ("StringEquals", None, False),
        ("ForAnyValue:StringLike", None, False),
        ("ArnLike", "arn:aws:s3:::a", True),
        ("Bool", "true", False),
    ],
)
def test_condition_operators(operator, value, expected):
    statement = allow(
        "s3:GetObject", "*", Condition={operator: {"k": "a*" if "Like" in operator else "a"}}
    )
    context = () if value is None else (("k", (value,)),)
    assert policy(statement).allows(Requirement("s3:GetObject", "x", context)) is expected


def test_an_unknown_condition_operator_fails_loudly():
    statement = allow("s3:GetObject", "*", Condition={"NumericLessThan": {"k": "1"}})
    with pytest.raises(ValueError, match="NumericLessThan"):
        policy(statement).allows(Requirement("s3:GetObject", "x", (("k", ("0",)),)))


def test_striking_an_action_removes_it_everywhere_and_drops_emptied_statements():
    both = policy(
        allow(["dynamodb:GetItem", "dynamodb:PutItem"], TABLE),
        allow("dynamodb:GetItem", f"{TABLE}-restored-*"),
    )
    struck = both.without_action("dynamodb:GetItem")
    assert struck.allows(Requirement("dynamodb:PutItem", TABLE))
    assert not struck.allows(Requirement("dynamodb:GetItem", TABLE))
    assert len(struck.statements) == 1


def test_size_counts_characters_without_whitespace():
    document = {"Statement": [allow("s3:GetObject", "*")]}
    assert Policy.from_document("p", document).size == len(
        '{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
    )


# ------------------------------------------------------------------- templates

TEMPLATE = {
    "Resources": {
        "AppRecoveryOperatorPolicy12345678": {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "PolicyDocument": {
                    "Statement": [
                        allow(
                            "dynamodb:Scan",
                            {"Fn::Join": ["", [{"Fn::GetAtt": ["Table", "Arn"]}, "-restored-*"]]},
                        ),
                        allow("kms:DescribeKey", {"Fn::GetAtt": ["Key", "Arn"]}),
                        allow(
                            "s3:ListBucket",
                            {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::b"]]},
                        ),
                    ]
                }
            },
        },
        "OtherPolicy12345678": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {}},
    }
}
PLACEMENT = Placement(
    partition="aws",
    region="us-east-1",
    account="123456789012",
    physical={"Table": TABLE, "Key": KEY},
)


def test_a_role_policy_is_found_by_construct_id_and_resolved():
    found = role_policy(TEMPLATE, construct_id="RecoveryOperator", placement=PLACEMENT)
    assert found.allows(Requirement("dynamodb:Scan", f"{TABLE}-restored-1"))
    assert found.allows(Requirement("kms:DescribeKey", KEY))
    assert found.allows(Requirement("s3:ListBucket", "arn:aws:s3:::b"))
    with pytest.raises(LookupError, match="DataReader"):
        role_policy(TEMPLATE, construct_id="DataReader", placement=PLACEMENT)


def test_an_intrinsic_the_resolver_does_not_know_fails():
    with pytest.raises(ValueError, match="Fn::Sub"):
        resolve({"Fn::Sub": "${AWS::Region}"}, PLACEMENT)
    with pytest.raises(ValueError, match="only Arn"):
        resolve({"Fn::GetAtt": ["Table", "StreamArn"]}, PLACEMENT)


# ------------------------------------------------------------------- recording


def test_every_call_of_a_client_made_meanwhile_is_recorded():
    before = boto3.client("dynamodb", region_name="us-east-1")
    with recording() as calls:
        client = boto3.client("dynamodb", region_name="eu-west-1")
        with Stubber(client) as stubber:
            stubber.add_response("describe_table", {"Table": {"TableName": "ttt"}})
            client.describe_table(TableName="ttt")
        with Stubber(before) as stubber:
            stubber.add_response("describe_table", {"Table": {"TableName": "ttt"}})
            before.describe_table(TableName="ttt")  # made before: not the command's
    assert calls == [Call("dynamodb", "DescribeTable", {"TableName": "ttt"}, "eu-west-1")]


# --------------------------------------------------------------------- mapping


def call(operation: str, service: str = "dynamodb", **params) -> Call:
    return Call(service, operation, params, "us-east-1")


def actions_on(found: list[Requirement]) -> list[tuple[str, str]]:
    return [(r.action, r.resource) for r in found]


def test_an_item_write_needs_the_action_with_its_leading_key_and_the_key_through_dynamodb():
    found = requirements(call("PutItem", TableName="dev-t", Item={"pk": {"S": "a"}}), ACCOUNT)
    assert found[0] == Requirement("dynamodb:PutItem", TABLE, (("dynamodb:LeadingKeys", ("a",)),))
    assert {r.action for r in found[1:]} == {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"}
    assert all(r.resource == KEY and r.context == ACCOUNT.via("dynamodb") for r in found[1:])


def test_a_batch_write_needs_each_table_with_every_leading_key():
    items = [
        {"PutRequest": {"Item": {"pk": {"S": "a"}}}},
        {"DeleteRequest": {"Key": {"pk": {"N": "2"}}}},
    ]
    (write, *_) = requirements(call("BatchWriteItem", RequestItems={"dev-t": items}), ACCOUNT)
    assert write.context == (("dynamodb:LeadingKeys", ("a", "2")),)


def test_a_query_on_an_index_needs_the_index_arn():
    found = requirements(call("Query", TableName="dev-t", IndexName="i"), ACCOUNT)
    assert actions_on(found)[0] == ("dynamodb:Query", f"{TABLE}/index/i")
    assert actions_on(found)[1] == ("kms:Decrypt", KEY)


def test_a_restore_needs_the_source_and_what_aws_documents_for_the_target():
    found = requirements(
        call(
            "RestoreTableToPointInTime",
            SourceTableName="dev-t",
            TargetTableName="dev-t-restored-1",
            SSESpecificationOverride={"Enabled": True, "KMSMasterKeyId": KEY},
        ),
        ACCOUNT,
    )
    pairs = actions_on(found)
    assert pairs[0] == ("dynamodb:RestoreTableToPointInTime", TABLE)
    assert ("dynamodb:Scan", f"{TABLE}-restored-1") in pairs
    assert ("kms:CreateGrant", KEY) in pairs


def test_an_export_needs_the_caller_to_write_the_prefix():
    found = requirements(
        call("ExportTableToPointInTime", TableArn=TABLE, S3Bucket="b", S3Prefix="p/export"),
        ACCOUNT,
    )
    pairs = actions_on(found)
    assert pairs[0] == ("dynamodb:ExportTableToPointInTime", TABLE)
    writes = {
        action for action, resource in pairs if resource.startswith("arn:aws:s3:::b/p/export/")
    }
    assert writes == {"s3:AbortMultipartUpload", "s3:PutObject", "s3:PutObjectAcl"}


def test_a_bulk_put_needs_the_table_and_its_input_and_report_prefixes():
    found = requirements(
        call(
            "StartBulkPutItems",
            TableName="dev-t",
            InputS3Configuration={"S3Bucket": "b", "S3KeyPrefix": "p/data/"},
            OutputS3Configuration={"S3Bucket": "b", "S3KeyPrefix": "p/reports/"},
        ),
        ACCOUNT,
    )
    pairs = actions_on(found)
    assert pairs[:4] == [
        ("dynamodb:StartBulkPutItems", TABLE),
        ("s3:ListBucket", "arn:aws:s3:::b"),
        ("s3:GetObject", "arn:aws:s3:::b/p/data/part-00000.json.gz"),
        ("s3:PutObject", "arn:aws:s3:::b/p/reports/errors-00000.json"),
    ]


def test_s3_and_kms_calls_map_to_their_actions():
    assert actions_on(requirements(call("ListObjectsV2", "s3", Bucket="b"), ACCOUNT)) == [
        ("s3:ListBucket", "arn:aws:s3:::b")
    ]
    head = requirements(call("HeadObject", "s3", Bucket="b", Key="k"), ACCOUNT)
    assert actions_on(head)[0] == ("s3:GetObject", "arn:aws:s3:::b/k")
    key = requirements(call("DescribeKey", "kms", KeyId="alias/dev-dynamodb-data"), ACCOUNT)
    assert actions_on(key) == [("kms:DescribeKey", KEY)]
    assert actions_on(requirements(call("ListBulkOperations"), ACCOUNT)) == [
        ("dynamodb:ListBulkOperations", "*")
    ]
    assert actions_on(
        requirements(
            call("DescribeBulkOperation", BulkOperationArn=f"{TABLE}/bulk-operation/1"), ACCOUNT
        )
    ) == [("dynamodb:DescribeBulkOperation", f"{TABLE}/bulk-operation/1")]


@pytest.mark.parametrize(
    "unknown",
    [
        call("CreateGrant", "kms", KeyId=KEY),
        call("PutBucketPolicy", "s3", Bucket="b"),
        call("AssumeRole", "sts"),
        call("ListUsers", "iam"),
        call("ExecuteStatement", Statement="x"),
    ],
)
def test_a_call_without_a_mapping_fails_naming_it(unknown):
    with pytest.raises(UnmappedCallError, match=unknown.operation):
        requirements(unknown, ACCOUNT)

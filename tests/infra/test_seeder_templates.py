"""The seeder in the templates: dev only, least privilege, and deployable data."""

from __future__ import annotations

import json

import aws_cdk as cdk
import boto3
from aws_cdk import aws_lambda as lambda_
from moto import mock_aws

import catalog
from catalog.samples import SAMPLES
from cdk_constructs.sample_data_seeder import SEEDER_RUNTIME
from ddbctl.table_definitions import create_table
from ddbio.seeding import PROPERTY_HASH, PROPERTY_TABLES, handle_event, sample_data_hash
from settings import load_environment
from stacks.environment import SAMPLE_DATA_ID, add_environment
from tests.infra.test_nag import acknowledgements
from tests.infra.test_settings import BASE, app_exit
from tests.unit.test_seeder_handler import contents, stringify_scalars

CUSTOM = "Custom::SampleData"
SAMPLE_STACK = "dev-data-layer"
SAMPLE_PATH = f"{SAMPLE_STACK}/{SAMPLE_DATA_ID}"


def sample_template(environments) -> dict:
    return environments["dev"].templates[SAMPLE_STACK]


def resources(template: dict, resource_type: str) -> dict[str, dict]:
    return {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }


def only(template: dict, resource_type: str) -> tuple[str, dict]:
    (found,) = resources(template, resource_type).items()
    return found


def seeder_function(template: dict) -> dict:
    functions = resources(template, "AWS::Lambda::Function")
    return next(f for f in functions.values() if f["Properties"]["Handler"] == "handler.on_event")


def flatten(value) -> str:
    """An ARN built with Fn::Join, as one readable string."""
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(flatten(part) for part in parts)
    if isinstance(value, dict) and value == {"Ref": "AWS::Partition"}:
        return "aws"
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def test_dev_template_has_the_seeder_and_staging_and_prod_have_none(environments):
    found = {name: env.resources(CUSTOM) for name, env in environments.items()}
    assert [stack for stack, _ in found["dev"].values()] == [SAMPLE_STACK]
    assert environments["dev"].stacks.sample_data.node.path == SAMPLE_PATH
    assert found["staging"] == {} and found["prod"] == {}
    for name in ("staging", "prod"):
        assert environments[name].resources("AWS::Lambda::Function") == {}
        assert environments[name].stacks.sample_data is None
        assert "Custom::SampleData" not in json.dumps(environments[name].templates)


def test_seeding_follows_config_not_environment_name():
    staging = load_environment("staging", {"staging": {**BASE, "seed_sample_data": True}})
    dev = load_environment("dev", {"dev": {**BASE, "seed_sample_data": False}})
    assert add_environment(cdk.App(), config=staging).sample_data is not None
    assert add_environment(cdk.App(), config=dev).sample_data is None


def test_prod_with_seeding_fails_synth_with_one_line(tmp_path, capsys):
    environments = {"prod": {**BASE, "seed_sample_data": True}}
    message = app_exit({"env": "prod", "environments": environments}, tmp_path, capsys)
    assert [line for line in message.splitlines() if line.strip()] == [
        'error: prod never gets sample data: remove "seed_sample_data" from prod in cdk.json'
    ]


def test_runtime_is_the_newest_python_this_cdk_knows():
    versions = [
        tuple(int(part) for part in name.removeprefix("PYTHON_").split("_"))
        for name in dir(lambda_.Runtime)
        if name.startswith("PYTHON_3_")
    ]
    newest = "python{}.{}".format(*max(versions))
    assert newest == SEEDER_RUNTIME.name, f"a newer runtime exists: use {newest}"


def test_function_is_arm64_with_explicit_timeout_memory_and_log_group(environments):
    template = sample_template(environments)
    props = seeder_function(template)["Properties"]
    assert props["Runtime"] == SEEDER_RUNTIME.name
    assert props["Architectures"] == ["arm64"]
    assert props["Timeout"] == 300
    assert props["MemorySize"] == 256
    assert props["FunctionName"] == "dev-sample-data-seeder"
    log_group_id = props["LoggingConfig"]["LogGroup"]["Ref"]
    log_group = template["Resources"][log_group_id]
    # The Provider framework's FAILED reason ends "Logs: /aws/lambda/<function name>".
    assert log_group["Properties"]["LogGroupName"] == "/aws/lambda/dev-sample-data-seeder"
    assert log_group["Properties"]["RetentionInDays"] == 30
    assert log_group["DeletionPolicy"] == "Delete"  # dev: removal_policy destroy
    for group in resources(template, "AWS::Logs::LogGroup").values():
        assert group["Properties"]["RetentionInDays"] == 30


def test_seeder_role_may_only_write_the_seeded_tables_with_the_environment_key(environments):
    template = sample_template(environments)
    function = seeder_function(template)
    role_id = function["Properties"]["Role"]["Fn::GetAtt"][0]
    assert "ManagedPolicyArns" not in template["Resources"][role_id]["Properties"]
    (policy,) = [
        p
        for p in resources(template, "AWS::IAM::Policy").values()
        if p["Properties"]["Roles"] == [{"Ref": role_id}]
    ]
    statements = {
        s.get("Sid", s["Action"][0]): s for s in policy["Properties"]["PolicyDocument"]["Statement"]
    }
    tables = statements["SeedTables"]
    assert tables["Action"] == [
        "dynamodb:BatchWriteItem",
        "dynamodb:DescribeTable",
    ]
    config = environments["dev"].config
    assert sorted(flatten(arn) for arn in tables["Resource"]) == sorted(
        f"arn:aws:dynamodb:{config.region}:{config.account}:table/"
        f"{config.table_name(catalog.table(key))}"
        for key in SAMPLES
    )
    kms = statements["UseTableKeyThroughDynamoDB"]
    assert kms["Action"] == ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]
    ((key_id, _),) = environments["dev"].resources("AWS::KMS::Key").items()
    assert kms["Resource"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert kms["Condition"] == {
        "StringEquals": {"kms:ViaService": f"dynamodb.{config.region}.amazonaws.com"}
    }
    logs = statements["logs:CreateLogStream"]
    assert logs["Resource"] == {
        "Fn::GetAtt": [function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"], "Arn"]
    }
    text = json.dumps(policy)
    assert "*" not in text, "no wildcard actions or resources"


def test_the_sample_data_is_written_after_every_table_and_removed_before_them(environments):
    """CloudFormation orders one stack by DependsOn: the seeder must wait for the tables
    on create and go first on delete, or it writes into (or empties) a missing table."""
    template = sample_template(environments)
    custom_id, custom = only(template, CUSTOM)
    tables = set(resources(template, "AWS::DynamoDB::GlobalTable"))
    assert tables and tables <= set(custom["DependsOn"]), custom_id


def test_provider_framework_findings_are_acknowledged_one_by_one(environments):
    acknowledged = [
        (path, rule)
        for path, data in acknowledgements(environments["dev"].stacks.sample_data)
        for rule in data
    ]
    assert sorted(rule.removeprefix("Annotation::").split("[")[0] for _, rule in acknowledged) == [
        "AwsSolutions-IAM4",
        "AwsSolutions-IAM5",
    ]
    assert all(path == f"{SAMPLE_PATH}/Seeder/Provider" for path, _ in acknowledged)
    assert all("[" in rule for _, rule in acknowledged), "findings, not whole rules"


def test_hash_property_is_the_hash_of_the_data(environments):
    _, resource = only(sample_template(environments), CUSTOM)
    props = resource["Properties"]
    assert props[PROPERTY_HASH] == sample_data_hash(props[PROPERTY_TABLES])
    assert set(props) == {"ServiceToken", PROPERTY_HASH, PROPERTY_TABLES}


def test_the_templates_own_properties_seed_the_tables(environments):
    """What CloudFormation would send, stringified scalars and all, against moto."""
    _, resource = only(sample_template(environments), CUSTOM)
    properties = stringify_scalars(
        {k: v for k, v in resource["Properties"].items() if k != "ServiceToken"}
    )
    config = environments["dev"].config
    with mock_aws():
        client = boto3.client("dynamodb", region_name=config.region)
        for spec in catalog.TABLES:
            create_table(client, spec, table_name=config.table_name(spec))
        response = handle_event(
            {"RequestType": "Create", "ResourceProperties": properties}, client=client
        )
        assert response["Data"]["ItemsWritten"] == sum(len(i) for i in SAMPLES.values())
        state = contents(client)
    assert {name: len(items) for name, items in state.items()} == {
        config.table_name(catalog.table(key)): len(items) for key, items in SAMPLES.items()
    }

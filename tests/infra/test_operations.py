"""Alarms, alarm topic, backups and autoscaling, asserted on every environment's templates."""

from __future__ import annotations

import pytest

import catalog
from cdk_constructs.daily_backup_plan import DAILY_AT_UTC, NOTIFIED_EVENTS
from cdk_constructs.data_table import AUTOSCALING_TARGET_UTILIZATION
from cdk_constructs.table_alarms import SYSTEM_ERROR_OPERATIONS
from settings import ENVIRONMENT_NAMES

THROTTLE_METRICS = ("ReadThrottleEvents", "WriteThrottleEvents")
CAPACITY_METRICS = ("ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits")


def resources(environment, resource_type: str) -> list[tuple[str, str, dict]]:
    """``(stack, logical id, resource)`` of one type in every stack.

    Not ``Synthesized.resources``: that keys by logical id alone, and each
    application stack has a ``BackupSelection`` with the same logical id.
    """
    return [
        (stack, logical_id, resource)
        for stack, template in environment.templates.items()
        for logical_id, resource in template.get("Resources", {}).items()
        if resource["Type"] == resource_type
    ]


def tables_by_name(environment) -> dict[str, tuple[str, str, dict]]:
    """``{physical table name: (stack name, logical id, resource)}``."""
    return {
        resource["Properties"]["TableName"]: (stack, logical_id, resource)
        for stack, logical_id, resource in resources(environment, "AWS::DynamoDB::GlobalTable")
    }


def stat_metrics(alarm: dict) -> list[dict]:
    """The CloudWatch metrics an alarm reads, whether plain or inside metric math."""
    properties = alarm["Properties"]
    if "MetricName" in properties:
        return [
            {
                "Namespace": properties["Namespace"],
                "MetricName": properties["MetricName"],
                "Dimensions": properties["Dimensions"],
                "Stat": properties["Statistic"],
            }
        ]
    return [
        {**query["MetricStat"]["Metric"], "Stat": query["MetricStat"]["Stat"]}
        for query in properties["Metrics"]
        if "MetricStat" in query
    ]


def alarm_coverage(environment) -> dict[tuple[str, str | None, str], dict]:
    """``{(table logical id, index or None, metric name): (stack, alarm)}`` for every
    DynamoDB alarm (alarms on other services, if any, are not ours to check)."""
    coverage = {}
    for stack_name, _, alarm in resources(environment, "AWS::CloudWatch::Alarm"):
        metrics = stat_metrics(alarm)
        if {metric["Namespace"] for metric in metrics} != {"AWS/DynamoDB"}:
            continue
        names = {metric["MetricName"] for metric in metrics}
        assert len(names) == 1, alarm["Properties"]["AlarmName"]
        dimensions = {d["Name"]: d["Value"] for d in metrics[0]["Dimensions"]}
        table_ref = dimensions["TableName"]["Ref"]
        index = dimensions.get("GlobalSecondaryIndexName")
        key = (table_ref, index, names.pop())
        assert key not in coverage, key
        coverage[key] = (stack_name, alarm)
    return coverage


def topic_import(environment) -> dict:
    """How every alarm refers to the environment's one alarm topic (same stack)."""
    ((logical_id, _),) = environment.resources("AWS::SNS::Topic").items()
    return {"Ref": logical_id}


def test_every_table_has_the_alarms_its_environment_asks_for_on_the_topic(environment):
    """Table throttles everywhere; index throttles and SystemErrors as the settings say
    (dev leaves both out to stay within its budget), and no alarm beyond those."""
    alarms = environment.config.alarms
    coverage = alarm_coverage(environment)
    topic = topic_import(environment)
    tables = tables_by_name(environment)
    assert len(tables) == len(catalog.TABLES)
    expected = set()
    for spec in catalog.TABLES:
        stack, logical_id, _ = tables[environment.config.table_name(spec)]
        keys = [(logical_id, None, metric) for metric in THROTTLE_METRICS]
        if alarms.system_error_operations:
            keys.append((logical_id, None, "SystemErrors"))
        if alarms.index_throttles:
            keys += [
                (logical_id, index.name, metric)
                for index in spec.global_indexes
                for metric in THROTTLE_METRICS
            ]
        for key in keys:
            assert key in coverage, (spec.key, key)
            alarm_stack, alarm = coverage[key]
            assert alarm_stack == stack, "alarms live beside their table"
            properties = alarm["Properties"]
            assert properties["AlarmActions"] == [topic]
            assert properties["OKActions"] == [topic]
            assert properties["TreatMissingData"] == "notBreaching"
        expected.update(keys)
    assert {key for key in coverage if key[2] not in CAPACITY_METRICS} == expected


def test_thresholds_and_periods_come_from_the_environment_config(environment):
    alarms = environment.config.alarms
    period = alarms.period_minutes * 60
    for (_, _, metric), (_, alarm) in alarm_coverage(environment).items():
        properties = alarm["Properties"]
        rule = {
            "ReadThrottleEvents": alarms.throttles,
            "WriteThrottleEvents": alarms.throttles,
            "SystemErrors": alarms.system_errors,
        }.get(metric, alarms.consumed_capacity)
        assert properties["EvaluationPeriods"] == rule.evaluation_periods, metric
        assert properties["DatapointsToAlarm"] == rule.datapoints_to_alarm, metric
        assert properties["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        if metric in CAPACITY_METRICS:
            continue  # threshold is a percent of a maximum: see the capacity test
        assert properties["Threshold"] == rule.threshold, metric
        for query in properties.get("Metrics", []):
            if "MetricStat" in query:
                assert query["MetricStat"]["Period"] == period
        assert properties.get("Period", period) == period


def test_system_errors_alarm_sums_the_configured_operations_per_table(environment):
    configured = environment.config.alarms.system_error_operations
    found = 0
    for (_, index, metric), (_, alarm) in alarm_coverage(environment).items():
        if metric != "SystemErrors":
            continue
        found += 1
        assert index is None
        operations = [
            next(d["Value"] for d in m["Dimensions"] if d["Name"] == "Operation")
            for m in stat_metrics(alarm)
        ]
        # Each operation is one billed alarm metric: exactly the configured ones.
        assert sorted(operations) == sorted(configured)
        # CloudWatch rejects metric-math alarms over more than 10 metrics.
        assert len(operations) <= len(SYSTEM_ERROR_OPERATIONS) == 10
        # A missing point (no errors for that operation) counts as 0, so the sum
        # still has a value when only one operation fails.
        (expression,) = [
            m["Expression"] for m in alarm["Properties"]["Metrics"] if "Expression" in m
        ]
        ids = sorted(m["Id"] for m in alarm["Properties"]["Metrics"] if "MetricStat" in m)
        assert sorted(expression.split(" + ")) == sorted(f"FILL({i}, 0)" for i in ids)
    assert found == (len(catalog.TABLES) if configured else 0)


@pytest.mark.parametrize("env_name", ENVIRONMENT_NAMES)
def test_capacity_alarms_only_on_provisioned_tables_at_a_percent_of_the_maximum(
    environments, env_name
):
    environment = environments[env_name]
    config = environment.config
    coverage = alarm_coverage(environment)
    tables = tables_by_name(environment)
    capacity_keys = {key for key in coverage if key[2] in CAPACITY_METRICS}
    expected = set()
    for spec in catalog.TABLES:
        _, logical_id, _ = tables[config.table_name(spec)]
        if not (config.provisioned_capacity and spec.provisioned):
            continue
        multiplier = config.autoscaling_max_multiplier
        percent = config.alarms.consumed_capacity.threshold
        scopes = [(None, spec.provisioned.table)] + [
            (index.name, spec.provisioned.index) for index in spec.global_indexes
        ]
        for index, floor in scopes:
            for metric, units in zip(CAPACITY_METRICS, (floor.read, floor.write), strict=True):
                key = (logical_id, index, metric)
                expected.add(key)
                properties = coverage[key][1]["Properties"]
                assert properties["Threshold"] == units * multiplier * percent / 100
                assert properties["Metrics"][0]["Expression"] == "consumed / PERIOD(consumed)"
    assert capacity_keys == expected
    assert bool(expected) == (env_name == "prod")


def test_topic_is_encrypted_with_the_environment_key_and_tls_only(environment):
    ((_, (_, topic)),) = environment.resources("AWS::SNS::Topic").items()
    ((key_id, _),) = environment.resources("AWS::KMS::Key").items()
    assert topic["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    ((_, (_, policy)),) = environment.resources("AWS::SNS::TopicPolicy").items()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    assert {
        "Action": "sns:Publish",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        "Effect": "Deny",
        "Principal": "*",
        "Resource": {"Ref": next(iter(environment.resources("AWS::SNS::Topic")))},
        "Sid": "AllowPublishThroughSSLOnly",
    } in statements
    publishers = {s["Principal"]["Service"] for s in statements if s["Effect"] == "Allow"}
    expected = {"cloudwatch.amazonaws.com"}
    if environment.config.backup_enabled:
        expected.add("backup.amazonaws.com")
    assert publishers == expected


def test_key_lets_cloudwatch_use_it_for_this_accounts_alarms_only(environment):
    config = environment.config
    ((_, (_, key)),) = environment.resources("AWS::KMS::Key").items()
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    (cloudwatch,) = [
        s for s in statements if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    ]
    assert cloudwatch["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert cloudwatch["Condition"]["StringEquals"] == {"aws:SourceAccount": config.account}
    source_arn = cloudwatch["Condition"]["ArnLike"]["aws:SourceArn"]["Fn::Join"][1]
    assert source_arn[-1] == f":cloudwatch:{config.region}:{config.account}:alarm:*"
    for statement in statements:
        if "Service" in statement["Principal"]:
            assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": config.account}


def test_alarm_emails_from_config_become_subscriptions():
    import aws_cdk as cdk
    from aws_cdk.assertions import Template

    from settings import load_environment
    from stacks.environment import add_environment

    config = load_environment(
        "staging",
        {
            "staging": {
                "account": "123456789012",
                "alarms": {"emails": ["oncall@example.com", "dba@example.com"]},
            }
        },
    )
    stacks = add_environment(cdk.App(), config=config)
    template = Template.from_stack(stacks.stack)
    subscriptions = template.find_resources("AWS::SNS::Subscription")
    assert sorted(s["Properties"]["Endpoint"] for s in subscriptions.values()) == [
        "dba@example.com",
        "oncall@example.com",
    ]
    assert {s["Properties"]["Protocol"] for s in subscriptions.values()} == {"email"}


def test_no_subscriptions_without_emails(environment):
    assert environment.resources("AWS::SNS::Subscription") == {}


@pytest.mark.parametrize("env_name", ["staging", "prod"])
def test_every_staging_and_prod_table_is_in_a_backup_selection(environments, env_name):
    environment = environments[env_name]
    selected = set()
    selections = resources(environment, "AWS::Backup::BackupSelection")
    assert len(selections) == len(catalog.APPLICATIONS)
    for stack, _, selection in selections:
        for entry in selection["Properties"]["BackupSelection"]["Resources"]:
            logical_id, attribute = entry["Fn::GetAtt"]
            assert attribute == "Arn"
            selected.add((stack, logical_id))
    tables = {(stack, logical_id) for stack, logical_id, _ in tables_by_name(environment).values()}
    assert tables == selected
    assert len(tables) == len(catalog.TABLES)


@pytest.mark.parametrize("env_name", ["staging", "prod"])
def test_backup_plan_is_daily_into_a_vault_encrypted_with_the_environment_key(
    environments, env_name
):
    environment = environments[env_name]
    days = environment.config.backup_retention_days
    ((vault_id, (_, vault)),) = environment.resources("AWS::Backup::BackupVault").items()
    assert vault["DeletionPolicy"] == "Retain"
    ((key_id, _),) = environment.resources("AWS::KMS::Key").items()
    assert vault["Properties"]["EncryptionKeyArn"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert vault["Properties"]["Notifications"]["BackupVaultEvents"] == NOTIFIED_EVENTS
    ((_, (_, plan)),) = environment.resources("AWS::Backup::BackupPlan").items()
    (rule,) = plan["Properties"]["BackupPlan"]["BackupPlanRule"]
    assert rule["ScheduleExpression"] == DAILY_AT_UTC.expression_string
    assert rule["Lifecycle"] == {"DeleteAfterDays": days}
    assert rule["TargetBackupVault"] == {"Fn::GetAtt": [vault_id, "BackupVaultName"]}


def test_dev_has_no_backup_plan(environments):
    dev = environments["dev"]
    for resource_type in ("Vault", "Plan", "Selection"):
        assert dev.resources(f"AWS::Backup::Backup{resource_type}") == {}


def test_prod_agent_tables_and_indexes_have_scaling_targets_and_policies(environments):
    """TableV2 renders autoscaling inside the GlobalTable rather than as separate
    AWS::ApplicationAutoScaling resources: CloudFormation then registers a
    scalable target (min/max) and a target-tracking policy for each setting."""
    prod = environments["prod"]
    tables = tables_by_name(prod)
    multiplier = prod.config.autoscaling_max_multiplier
    provisioned = [spec for spec in catalog.TABLES if spec.provisioned]
    assert provisioned  # seed 004's two tables; tests/test_seed_spec.py checks which

    def assert_scaled(settings: dict, floor: int) -> None:
        assert settings["MinCapacity"] == floor
        assert settings["MaxCapacity"] == floor * multiplier
        policy = settings["TargetTrackingScalingPolicyConfiguration"]
        assert policy["TargetValue"] == AUTOSCALING_TARGET_UTILIZATION

    for spec in provisioned:
        _, _, table = tables[prod.config.table_name(spec)]
        properties = table["Properties"]
        assert properties["BillingMode"] == "PROVISIONED"
        assert_scaled(
            properties["WriteProvisionedThroughputSettings"]["WriteCapacityAutoScalingSettings"],
            spec.provisioned.table.write,
        )
        (replica,) = properties["Replicas"]
        assert_scaled(
            replica["ReadProvisionedThroughputSettings"]["ReadCapacityAutoScalingSettings"],
            spec.provisioned.table.read,
        )
        indexes = {gsi["IndexName"]: gsi for gsi in properties["GlobalSecondaryIndexes"]}
        replica_indexes = {gsi["IndexName"]: gsi for gsi in replica["GlobalSecondaryIndexes"]}
        assert set(indexes) == set(replica_indexes) == {i.name for i in spec.global_indexes}
        for name in indexes:
            assert_scaled(
                indexes[name]["WriteProvisionedThroughputSettings"][
                    "WriteCapacityAutoScalingSettings"
                ],
                spec.provisioned.index.write,
            )
            assert_scaled(
                replica_indexes[name]["ReadProvisionedThroughputSettings"][
                    "ReadCapacityAutoScalingSettings"
                ],
                spec.provisioned.index.read,
            )


def test_dashboard_graphs_every_table_and_index(environment):
    ((_, (_, dashboard)),) = environment.resources("AWS::CloudWatch::Dashboard").items()
    body = "".join(
        part
        for part in dashboard["Properties"]["DashboardBody"]["Fn::Join"][1]
        if isinstance(part, str)
    )
    period = environment.config.alarms.period_minutes
    for spec in catalog.TABLES:
        name = environment.config.table_name(spec)
        assert f'"{name}: throttle events"' in body
        assert f'"{name}: consumed capacity units (per {period} minutes)"' in body
        for index in spec.global_indexes:
            assert f'"GlobalSecondaryIndexName","{index.name}","TableName","{name}"' in body


def test_dashboard_shows_the_tables_the_stacks_hold_not_the_whole_catalog():
    import aws_cdk as cdk

    from settings import load_from_cdk_json
    from stacks.environment import add_environment

    config = load_from_cdk_json("staging")
    kept = {"trade-matching": catalog.APPLICATIONS["trade-matching"]}
    stacks = add_environment(cdk.App(), config=config, applications=kept)
    template = cdk.assertions.Template.from_stack(stacks.stack).to_json()
    ((dashboard,),) = [
        [r for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Dashboard"]
    ]
    body = "".join(
        part
        for part in dashboard["Properties"]["DashboardBody"]["Fn::Join"][1]
        if isinstance(part, str)
    )
    for spec in catalog.TABLES:
        shown = f'"{config.table_name(spec)}: throttle events"' in body
        assert shown == (spec.application == "trade-matching"), spec.key


def test_a_long_table_name_override_keeps_every_alarm_name_within_cloudwatchs_limit():
    import aws_cdk as cdk
    from aws_cdk.assertions import Template

    from cdk_constructs.table_alarms import MAX_ALARM_NAME, alarm_name
    from settings import load_environment
    from stacks.environment import add_environment

    long_name = "staging-" + "a" * 240  # a valid DynamoDB table name (248 characters)
    config = load_environment(
        "staging",
        {
            "staging": {
                "account": "123456789012",
                "table_names": {"agent-profiles": long_name},
            }
        },
    )
    stacks = add_environment(cdk.App(), config=config)
    template = Template.from_stack(stacks.stack)
    names = [
        alarm["Properties"]["AlarmName"]
        for alarm in template.find_resources("AWS::CloudWatch::Alarm").values()
    ]
    assert max(len(name) for name in names) == MAX_ALARM_NAME
    assert len(set(names)) == len(names)  # cut, but each still its own
    assert alarm_name("short-name") == "short-name"
    assert alarm_name(long_name + "-x") != alarm_name(long_name + "-y")


def test_prod_with_provisioned_capacity_off_has_no_capacity_alarms_or_scaling():
    import aws_cdk as cdk
    from aws_cdk.assertions import Template

    from settings import load_environment
    from stacks.environment import add_environment

    config = load_environment(
        "prod", {"prod": {"account": "123456789012", "provisioned_capacity": False}}
    )
    stacks = add_environment(cdk.App(), config=config)
    template = Template.from_stack(stacks.stack).to_json()
    resources = template["Resources"].values()
    tables = [r for r in resources if r["Type"] == "AWS::DynamoDB::GlobalTable"]
    assert {t["Properties"]["BillingMode"] for t in tables} == {"PAY_PER_REQUEST"}
    assert not [r for r in resources if r["Type"].startswith("AWS::ApplicationAutoScaling")]
    alarms = [r for r in resources if r["Type"] == "AWS::CloudWatch::Alarm"]
    assert alarms  # throttles and system errors stay
    assert not [a for a in alarms if "Capacity" in a["Properties"]["AlarmName"]]


def bare_alarms(*, settings, **table_arguments):
    """TableAlarms for one catalog table in a bare stack: ``{alarm name: properties}``."""
    import aws_cdk as cdk
    from aws_cdk import aws_kms as kms
    from aws_cdk import aws_sns as sns
    from aws_cdk.assertions import Template

    from cdk_constructs import DataTable, TableAlarms

    stack = cdk.Stack(
        cdk.App(), "Bare", env=cdk.Environment(account="123456789012", region="us-east-1")
    )
    data_table = DataTable(
        stack,
        "Data",
        spec=catalog.table("agent-profiles"),
        table_name="test-agent-profiles",
        environment_name="test",
        encryption_key=kms.Key(stack, "Key"),
        removal_policy=cdk.RemovalPolicy.DESTROY,
        deletion_protection=False,
        pitr_recovery_days=1,
        **{"provisioned_capacity": False, **table_arguments},
    )
    TableAlarms(
        stack, "Alarms", data_table=data_table, settings=settings, topic=sns.Topic(stack, "T")
    )
    alarms = Template.from_stack(stack).find_resources("AWS::CloudWatch::Alarm")
    return {a["Properties"]["AlarmName"]: a["Properties"] for a in alarms.values()}


def test_without_index_throttles_or_system_errors_only_the_table_throttles_remain():
    from settings.operations import AlarmSettings

    settings = AlarmSettings(index_throttles=False, system_error_operations=())
    assert sorted(bare_alarms(settings=settings)) == [
        f"test-agent-profiles-{metric}" for metric in THROTTLE_METRICS
    ]


def test_a_capped_tables_throttle_alarm_says_the_cap_throttles_by_design():
    from settings.operations import AlarmSettings

    alarms = bare_alarms(settings=AlarmSettings(), max_request_units=25)
    description = alarms["test-agent-profiles-WriteThrottleEvents"]["AlarmDescription"]
    assert "capped at 25 write request units per second (max_request_units)" in description
    uncapped = bare_alarms(settings=AlarmSettings())
    assert (
        "max_request_units"
        not in (uncapped["test-agent-profiles-WriteThrottleEvents"]["AlarmDescription"])
    )
    provisioned = bare_alarms(settings=AlarmSettings(), provisioned_capacity=True)
    assert (
        "autoscaling reached its maximum"
        in (provisioned["test-agent-profiles-WriteThrottleEvents"]["AlarmDescription"])
    )


def test_the_dashboard_graphs_at_the_period_it_is_given():
    import aws_cdk as cdk
    from aws_cdk.assertions import Template

    from cdk_constructs import OperationsDashboard

    stack = cdk.Stack(cdk.App(), "Bare")
    spec = catalog.table("agent-profiles")
    OperationsDashboard(
        stack, "Dashboard", dashboard_name="d", tables=[("t", spec)], period_minutes=15
    )
    (dashboard,) = Template.from_stack(stack).find_resources("AWS::CloudWatch::Dashboard").values()
    body = dashboard["Properties"]["DashboardBody"]
    body = (
        body
        if isinstance(body, str)
        else "".join(part for part in body["Fn::Join"][1] if isinstance(part, str))
    )
    assert '"t: consumed capacity units (per 15 minutes)"' in body
    assert '"period":900' in body and '"period":300' not in body

"""``ddbctl cost`` on the real synthesized environments: budgets, and an independent count.

The independent count walks the template JSON its own way (every
``MinCapacity`` under a capacity autoscaling block, every ``MetricStat``),
multiplies by the tool's unit prices, and must agree with the tool within 2%.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ddbctl.cost import estimate_environment
from ddbctl.cost.budget import over_budget
from ddbctl.cost.prices import HOURS_PER_MONTH, load_prices
from settings import ENVIRONMENT_NAMES


def walk(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def independent_count(templates: dict[str, dict]) -> dict[str, float]:
    resources = [r for t in templates.values() for r in t.get("Resources", {}).values()]
    metrics = 0
    for resource in resources:
        if resource["Type"] != "AWS::CloudWatch::Alarm":
            continue
        properties = resource["Properties"]
        metrics += (
            1
            if "MetricName" in properties
            else len([q for q in properties["Metrics"] if "MetricStat" in q])
        )
    minimum = {"Read": 0, "Write": 0}
    for resource in resources:
        if not resource["Type"].startswith("AWS::DynamoDB::"):
            continue
        for key, value in walk(resource):
            for kind in minimum:
                if key == f"{kind}CapacityAutoScalingSettings":
                    minimum[kind] += value["MinCapacity"]
    return {
        "keys": sum(r["Type"] == "AWS::KMS::Key" for r in resources),
        "alarm_metrics": metrics,
        "dashboards": sum(r["Type"] == "AWS::CloudWatch::Dashboard" for r in resources),
        "rcu": minimum["Read"],
        "wcu": minimum["Write"],
    }


@pytest.mark.parametrize("env_name", ENVIRONMENT_NAMES)
def test_an_independent_count_agrees_with_the_tool_within_two_percent(environments, env_name):
    environment = environments[env_name]
    prices = load_prices(environment.config.region)
    found = independent_count(environment.templates)
    expected = (
        found["keys"] * prices["kms_key_month"]
        + found["alarm_metrics"] * prices["alarm_metric_month"]
        + max(0, found["dashboards"] - prices["free_dashboards"]) * prices["dashboard_month"]
        + found["wcu"] * prices["wcu_hour"] * HOURS_PER_MONTH
        + found["rcu"] * prices["rcu_hour"] * HOURS_PER_MONTH
    )
    tool = estimate_environment(environment.config, environment.templates)
    assert found["alarm_metrics"] > 0 and found["keys"] == 1
    assert tool.fixed_monthly_usd == pytest.approx(expected, rel=0.02)


@pytest.mark.parametrize("env_name", ENVIRONMENT_NAMES)
def test_every_environment_is_within_its_budget_and_its_lines_add_up(environments, env_name):
    environment = environments[env_name]
    config = environment.config
    estimate = estimate_environment(config, environment.templates)
    assert over_budget(estimate, config.monthly_budget_usd) is None
    assert estimate.fixed_monthly_usd == pytest.approx(
        sum(line.monthly_usd for line in estimate.lines), abs=1e-9
    )


def test_prods_fixed_cost_includes_seed_004s_capacity_at_the_minimum(environments):
    import catalog

    prod = environments["prod"]
    estimate = estimate_environment(prod.config, prod.templates)
    lines = {line.what: line.quantity for line in estimate.lines}
    floors = [
        (spec.provisioned.table, spec.provisioned.index, len(spec.global_indexes))
        for spec in catalog.TABLES
        if spec.provisioned
    ]
    assert lines["Provisioned write capacity units at the autoscaling minimum"] == sum(
        table.write + index.write * indexes for table, index, indexes in floors
    )
    assert lines["Provisioned read capacity units at the autoscaling minimum"] == sum(
        table.read + index.read * indexes for table, index, indexes in floors
    )


@pytest.mark.parametrize("env_name", ["dev", "staging"])
def test_capped_environments_cap_every_on_demand_table_and_show_a_ceiling(environments, env_name):
    environment = environments[env_name]
    cap = environment.config.max_request_units
    assert cap is not None
    estimate = estimate_environment(environment.config, environment.templates)
    assert estimate.uncapped == []
    assert estimate.ceiling_monthly_usd is not None
    assert estimate.ceiling_monthly_usd > estimate.fixed_monthly_usd
    for template in environment.templates.values():
        for resource in template["Resources"].values():
            if resource["Type"] == "AWS::DynamoDB::GlobalTable":
                properties = resource["Properties"]
                assert properties["WriteOnDemandThroughputSettings"] == {
                    "MaxWriteRequestUnits": cap
                }


def test_prod_is_uncapped_so_its_ceiling_is_none(environments):
    prod = environments["prod"]
    assert prod.config.max_request_units is None
    estimate = estimate_environment(prod.config, prod.templates)
    assert estimate.uncapped and estimate.ceiling_monthly_usd is None


def test_a_bulk_load_bucket_is_priced_per_gb_it_holds(environments):
    """The staging bucket has no fixed cost; what it holds is billed, so it is a rate."""
    import aws_cdk as cdk

    from settings import load_environment, synth_context
    from stacks.environment import add_environment

    config = load_environment(
        "staging", {"staging": {"account": "123456789012", "bulk_load_bucket": True}}
    )
    parts = add_environment(cdk.App(context=synth_context()), config=config)
    template = cdk.assertions.Template.from_stack(parts.stack).to_json()
    with_bucket = estimate_environment(config, {parts.stack.stack_name: template})
    without = estimate_environment(
        environments["staging"].config, environments["staging"].templates
    )
    prices = load_prices(config.region)
    (line,) = [line for line in with_bucket.per_gb if "S3" in line.what]
    assert line.unit_usd == prices["s3_standard_gb_month"]
    assert not [line for line in without.per_gb if "S3" in line.what]
    assert with_bucket.fixed_monthly_usd == without.fixed_monthly_usd

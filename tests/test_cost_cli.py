"""``ddbctl cost`` over fixture cloud assemblies: no synthesis, no AWS.

``tests/fixtures/cost/base`` is dev in two stacks (key; tables, alarms, a
dashboard, a daily backup plan); ``head`` is the same in one stack with one
more alarm and a doubled write floor; ``prod`` has seed 002's and seed 003's
tables on demand and seed 004's profiles table provisioned.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ddbctl.cli import main
from ddbctl.cost.counting import count
from ddbctl.cost.fixed import estimate
from ddbctl.cost.prices import HOURS_PER_MONTH, KEYS, SECONDS_PER_MONTH, load_prices
from ddbctl.errors import CliError
from schema_lock.templates import read_cloud_assembly

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cost"
BASE, HEAD, PROD = (str(FIXTURES / name) for name in ("base", "head", "prod"))
PRICES = load_prices("us-east-1")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["cost", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys, *argv: str) -> dict:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def one_line_error(capsys, *argv: str, code: int = 2) -> str:
    got, out, err = run(capsys, *argv)
    assert got == code, err
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("ddbctl cost: error: ")
    assert "Traceback" not in err
    return err


def test_json_has_the_documented_shape_and_the_lines_add_up(capsys):
    document = run_json(capsys, "--env", "dev", "--cdk-out", BASE)
    assert {"env", "currency", "fixed_monthly_usd", "lines", "prices"} <= set(document)
    assert document["env"] == "dev" and document["currency"] == "USD"
    for line in document["lines"]:
        assert set(line) == {"what", "quantity", "unit_usd", "monthly_usd"}
        assert line["monthly_usd"] == round(line["quantity"] * line["unit_usd"] + 1e-9, 2)
    assert document["fixed_monthly_usd"] == pytest.approx(
        sum(line["monthly_usd"] for line in document["lines"]), abs=1e-9
    )
    assert set(KEYS) <= set(document["prices"])
    assert document["prices"]["date"] and document["prices"]["source"].startswith("https://aws.")


def test_fixed_cost_counts_keys_each_metric_of_a_math_alarm_and_capacity_at_the_minimum(capsys):
    lines = {
        line["what"]: line for line in run_json(capsys, "--env", "dev", "--cdk-out", BASE)["lines"]
    }
    assert lines["KMS keys"]["quantity"] == 1
    # One plain alarm plus a math alarm reading three metrics.
    (alarms,) = [line for what, line in lines.items() if what.startswith("CloudWatch alarm")]
    assert alarms["quantity"] == 4
    # One dashboard is within the three free ones: no line.
    assert not [what for what in lines if "dashboard" in what]
    write = lines["Provisioned write capacity units at the autoscaling minimum"]
    read = lines["Provisioned read capacity units at the autoscaling minimum"]
    assert (write["quantity"], read["quantity"]) == (5 + 2, 10 + 3)
    assert write["unit_usd"] == pytest.approx(PRICES["wcu_hour"] * HOURS_PER_MONTH)


def test_the_count_does_not_depend_on_how_many_stacks_hold_the_resources():
    split = read_cloud_assembly(Path(BASE), "dev")
    assert len(split) == 2
    merged = {"dev-data-layer": {"Resources": {}}}
    for template in split.values():
        merged["dev-data-layer"]["Resources"].update(template["Resources"])
    assert estimate("dev", count(split), PRICES) == estimate("dev", count(merged), PRICES)


def test_ceiling_is_autoscaling_at_its_maximum_and_on_demand_at_its_cap(capsys):
    document = run_json(capsys, "--env", "dev", "--cdk-out", BASE)
    ceiling = {line["what"]: line for line in document["ceiling_lines"]}
    assert ceiling["Provisioned write capacity units at the autoscaling maximum"]["quantity"] == 28
    assert ceiling["Provisioned read capacity units at the autoscaling maximum"]["quantity"] == 52
    # dev-events is Standard-IA, capped at 10 units per second each way.
    capped = ceiling[
        "On-demand write request units per second at max_request_units, all month (Standard-IA)"
    ]
    assert capped["quantity"] == 10
    assert capped["unit_usd"] == pytest.approx(
        PRICES["ia_write_request_million"] * SECONDS_PER_MONTH / 1e6
    )
    assert document["uncapped"] == []
    assert document["ceiling_monthly_usd"] == pytest.approx(
        sum(line["monthly_usd"] for line in document["ceiling_lines"])
    )
    _, text, _ = run(capsys, "--env", "dev", "--cdk-out", BASE)
    assert f"ceiling: ${document['ceiling_monthly_usd']:,.2f}/month" in text


def test_an_uncapped_on_demand_table_means_no_ceiling(capsys):
    document = run_json(capsys, "--env", "prod", "--cdk-out", PROD)
    assert document["ceiling_monthly_usd"] is None
    assert "prod-ai-trade-matching-processing-status" in document["uncapped"]
    _, text, _ = run(capsys, "--env", "prod", "--cdk-out", PROD)
    assert "ceiling: none, 5 on-demand tables and indexes are uncapped" in text


def test_pitr_and_backups_are_rates_per_gb(capsys):
    rates = run_json(capsys, "--env", "dev", "--cdk-out", BASE)["per_gb_month"]
    assert rates == [
        {
            "what": "Point-in-time recovery, per GB of table data (2 tables)",
            "unit_usd": PRICES["pitr_gb_month"],
        },
        {
            "what": "AWS Backup, 7 daily backups kept, per GB of table data",
            "unit_usd": pytest.approx(7 * PRICES["backup_gb_month"]),
        },
    ]


def test_a_prices_file_overrides_unit_prices(capsys, tmp_path):
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"alarm_metric_month": 0.3, "date": "test"}))
    document = run_json(capsys, "--env", "dev", "--cdk-out", BASE, "--prices", str(prices))
    (alarms,) = [line for line in document["lines"] if line["what"].startswith("CloudWatch")]
    assert alarms["monthly_usd"] == pytest.approx(1.2)
    assert document["prices"]["date"] == "test"
    assert document["prices"]["kms_key_month"] == PRICES["kms_key_month"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"alarm_metric_month": 0.1, "alarms": 1}', "unknown price 'alarms'; valid keys: date"),
        ('{"wcu_hour": -0.1}', "wcu_hour is -0.1; a price is a finite number at or above 0"),
        ('{"wcu_hour": "cheap"}', "wcu_hour must be a number of US dollars, not 'cheap'"),
        ('{"wcu_hour": true}', "wcu_hour must be a number of US dollars, not True"),
        ('{"date": 2025}', "date must be a string"),
        ("[1, 2]", "must be a JSON object of prices"),
        ("{not json", "is not JSON"),
    ],
)
def test_a_bad_prices_file_is_one_line_and_exit_2(capsys, tmp_path, content, message):
    prices = tmp_path / "prices.json"
    prices.write_text(content)
    err = one_line_error(capsys, "--env", "dev", "--cdk-out", BASE, "--prices", str(prices))
    assert message in err


def test_an_unreadable_prices_file_is_one_line_and_exit_2(capsys, tmp_path):
    missing = tmp_path / "nope.json"
    err = one_line_error(capsys, "--env", "dev", "--cdk-out", BASE, "--prices", str(missing))
    assert f"cannot read prices file {missing}" in err


def test_an_unknown_region_is_one_line_naming_the_fix():
    with pytest.raises(CliError) as caught:
        load_prices("eu-north-1")
    assert caught.value.exit_code == 2
    message = str(caught.value)
    assert "\n" not in message
    assert "no pinned prices for region 'eu-north-1' (known: us-east-1)" in message


def test_a_missing_cloud_assembly_is_one_line_and_exit_2(capsys, tmp_path):
    err = one_line_error(capsys, "--env", "dev", "--cdk-out", str(tmp_path))
    assert "manifest.json not found: run `make synth` first" in err


def test_the_pull_request_change_shows_the_total_and_only_the_lines_that_changed(capsys):
    code, out, err = run(capsys, "--env", "dev", "--cdk-out", HEAD, "--baseline-cdk-out", BASE)
    assert code == 0, err
    head = estimate("dev", count(read_cloud_assembly(Path(HEAD), "dev")), PRICES)
    base = estimate("dev", count(read_cloud_assembly(Path(BASE), "dev")), PRICES)
    change = head.fixed_monthly_usd - base.fixed_monthly_usd
    assert change == pytest.approx(2.47)
    first, *rest = out.splitlines()
    assert first.startswith("#### Fixed cost of **dev**: +$2.47/month ($5.95 -> $8.42")
    assert "over budget" in first  # dev's budget is $3
    table = [line for line in rest if line.startswith("| ") and "---" not in line]
    assert table == [
        "| line | base | head | change |",
        "| CloudWatch alarm metrics (a metric-math alarm bills each metric it reads) | 4 | 5 "
        "| +$0.10/month |",
        "| Provisioned write capacity units at the autoscaling minimum | 7 | 12 | +$2.37/month |",
    ]


def test_the_change_of_a_pull_request_that_changes_nothing_says_so(capsys):
    code, out, _ = run(capsys, "--env", "dev", "--cdk-out", BASE, "--baseline-cdk-out", BASE)
    assert code == 0
    assert out.startswith("#### Fixed cost of **dev**: +$0.00/month ($5.95 -> $5.95")
    assert "No fixed-cost line changed." in out


def test_a_cheaper_head_shows_a_negative_change(capsys):
    _, out, _ = run(capsys, "--env", "dev", "--cdk-out", BASE, "--baseline-cdk-out", HEAD)
    assert out.startswith("#### Fixed cost of **dev**: -$2.47/month")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--baseline-cdk-out", BASE], "--baseline-cdk-out needs --cdk-out"),
        (
            ["--check-budget", "--workload", "w.json", "--cdk-out", BASE],
            "--check-budget and --workload do not combine",
        ),
    ],
)
def test_modes_that_do_not_combine_are_one_line_and_exit_2(capsys, argv, message):
    assert message in one_line_error(capsys, "--env", "dev", *argv)


def test_the_budget_gate_fails_in_one_line_naming_the_biggest_lines(capsys):
    err = one_line_error(capsys, "--check-budget", "--env", "dev", "--cdk-out", BASE, code=1)
    assert "dev costs $5.95/month fixed, over its $3.00 budget (biggest: " in err
    biggest = err.split("(biggest: ")[1]
    assert biggest.startswith(
        "Provisioned write capacity units at the autoscaling minimum $3.32, "
        "Provisioned read capacity units at the autoscaling minimum $1.23, KMS keys $1.00)"
    )
    assert "raise environments.dev.monthly_budget_usd in cdk.json" in err


def test_the_budget_gate_passes_within_budget(capsys):
    code, out, _ = run(capsys, "--check-budget", "--env", "prod", "--cdk-out", PROD)
    assert code == 0
    assert out == "ok [prod] fixed cost $12.39/month, budget $30.00\n"


def test_plain_dynamodb_tables_are_counted_too():
    """AWS::DynamoDB::Table (not what TableV2 emits): fixed throughput is floor and ceiling."""
    templates = {
        "dev-legacy": {
            "Resources": {
                "Fixed": {
                    "Type": "AWS::DynamoDB::Table",
                    "Properties": {
                        "TableName": "dev-fixed",
                        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 4},
                        "GlobalSecondaryIndexes": [
                            {
                                "IndexName": "by-x",
                                "ProvisionedThroughput": {
                                    "ReadCapacityUnits": 1,
                                    "WriteCapacityUnits": 2,
                                },
                            }
                        ],
                    },
                },
                "Capped": {
                    "Type": "AWS::DynamoDB::Table",
                    "Properties": {
                        "TableName": "dev-capped",
                        "BillingMode": "PAY_PER_REQUEST",
                        "TableClass": "STANDARD_INFREQUENT_ACCESS",
                        "OnDemandThroughput": {"MaxReadRequestUnits": 7, "MaxWriteRequestUnits": 3},
                    },
                },
            }
        }
    }
    counts = count(templates)
    assert counts.tables["dev-capped"].table_class == "STANDARD_INFREQUENT_ACCESS"
    result = estimate("dev", counts, PRICES)
    lines = {line.what: line.quantity for line in result.lines}
    assert lines["Provisioned write capacity units at the autoscaling minimum"] == 6
    assert lines["Provisioned read capacity units at the autoscaling minimum"] == 6
    ceiling = {line.what: line.quantity for line in result.ceiling_lines}
    assert ceiling["Provisioned write capacity units at the autoscaling maximum"] == 6
    suffix = " at max_request_units, all month (Standard-IA)"
    assert ceiling["On-demand read request units per second" + suffix] == 7
    assert ceiling["On-demand write request units per second" + suffix] == 3
    assert result.uncapped == []

"""``ddbctl cost --workload``: request units, index writes, storage, table-class advice.

Priced against ``tests/fixtures/cost/prod`` (no synthesis): seed 002's table and
seed 003's on demand, seed 004's agent-profiles provisioned at 10/10 with two
indexes at 5/5.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ddbctl.cli import main
from ddbctl.cost.prices import HOURS_PER_MONTH, SECONDS_PER_MONTH, load_prices

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cost"
PROD = str(FIXTURES / "prod")
SEED_002_WORKLOAD = str(FIXTURES / "seed-002-workload.json")
SEED_002_PRICES = str(FIXTURES / "seed-002-prices.json")
SEED_003_WORKLOAD = str(FIXTURES / "seed-003-workload.json")
PRICES = load_prices("us-east-1")


def cost(capsys, *argv: str) -> dict:
    code = main(["cost", "--env", "prod", "--cdk-out", PROD, "--json", *argv])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def workload_file(tmp_path, tables) -> str:
    path = tmp_path / "workload.json"
    path.write_text(json.dumps({"tables": tables}))
    return str(path)


def lines_of(table: dict) -> dict[str, dict]:
    return {line["what"]: line for line in table["lines"]}


def test_seed_002s_workload_at_seed_002s_prices_reproduces_its_estimate(capsys):
    document = cost(capsys, "--workload", SEED_002_WORKLOAD, "--prices", SEED_002_PRICES)
    # Seed 002: $0.30 writes + $0.08 reads + $0.01 storage = $0.39.
    assert 0.37 <= document["workload_monthly_usd"] <= 0.40
    (table,) = document["tables"]
    assert table["table"] == "ai-trade-matching-processing-status"
    assert table["billing"] == "on-demand"
    lines = lines_of(table)
    assert lines["write request units, millions (table)"]["monthly_usd"] == 0.30
    assert lines["read request units, millions"]["monthly_usd"] == 0.075
    assert lines["storage, GB (table)"]["monthly_usd"] == 0.0075
    # The fixed cost is reported alongside, not mixed in.
    assert document["fixed_monthly_usd"] > 0
    assert document["workload_monthly_usd"] == table["monthly_usd"]


def test_seed_002s_workload_at_todays_prices(capsys):
    document = cost(capsys, "--workload", SEED_002_WORKLOAD)
    expected = (
        0.24 * PRICES["write_request_million"]
        + 0.3 * PRICES["read_request_million"]
        + 0.03 * PRICES["storage_gb_month"]
    )
    assert document["workload_monthly_usd"] == pytest.approx(expected, abs=1e-4)


def test_seed_003s_5_kb_items_and_three_all_projection_indexes_are_counted(capsys):
    (table,) = cost(capsys, "--workload", SEED_003_WORKLOAD, "--prices", SEED_002_PRICES)["tables"]
    lines = lines_of(table)
    # 500 writes of 5 KB: 5 WRU each in the table and again in each of three indexes.
    writes = lines["write request units, millions (table and 3 indexes)"]
    assert writes["quantity"] == pytest.approx(500 * 5 * 4 / 1e6)
    # 1,000 strongly consistent reads of 5 KB: two 4 KB read units each.
    assert lines["read request units, millions"]["quantity"] == pytest.approx(2000 / 1e6)
    # Four copies of 2.5 MB.
    assert lines["storage, GB (table and 3 indexes)"]["quantity"] == pytest.approx(0.01)
    # Seed 003 estimated $0.002: the same prices give almost eight times that.
    assert table["monthly_usd"] == pytest.approx(0.0125 + 0.0005 + 0.0025)
    # PITR and the 35 daily backups of the data come on top, reported apart.
    assert table["protection_monthly_usd"] == pytest.approx(
        0.0025 * PRICES["pitr_gb_month"] + 0.0025 * 35 * PRICES["backup_gb_month"], abs=1e-4
    )


def test_eventually_consistent_reads_cost_half_and_index_share_scales_index_writes(
    capsys, tmp_path
):
    workload = workload_file(
        tmp_path,
        {
            "OpportunitySessions": {
                "writes_per_month": 1000,
                "reads_per_month": 1000,
                "item_kb": 3,
                "storage_gb": 1,
                "eventually_consistent_reads": True,
                "index_share": {"PriorityIndex": 0.5, "OpportunityIdIndex": 0},
            }
        },
    )
    (table,) = cost(capsys, "--workload", workload)["tables"]
    lines = lines_of(table)
    writes = lines["write request units, millions (table and 3 indexes)"]
    assert writes["quantity"] == pytest.approx((1000 * 3 * (1 + 1 + 0.5 + 0)) / 1e6)
    assert lines["read request units, millions"]["quantity"] == pytest.approx(500 / 1e6)
    assert lines["storage, GB (table and 3 indexes)"]["quantity"] == pytest.approx(2.5)


def test_a_provisioned_table_pays_only_for_capacity_above_its_minimum(capsys, tmp_path):
    light = {"writes_per_month": 1000, "reads_per_month": 1000, "item_kb": 1, "storage_gb": 1}
    (table,) = cost(capsys, "--workload", workload_file(tmp_path, {"agent-profiles": light}))[
        "tables"
    ]
    assert table["billing"] == "provisioned"
    lines = lines_of(table)
    assert lines["write capacity units above the autoscaling minimum"]["quantity"] == 0
    assert lines["read capacity units above the autoscaling minimum"]["quantity"] == 0
    assert table["monthly_usd"] == pytest.approx(3 * PRICES["storage_gb_month"])
    # 20 writes a second need 20 / 0.7 -> 29 units at the 70% target: 19 over the floor of 10.
    heavy = {**light, "writes_per_month": 20 * SECONDS_PER_MONTH}
    (table,) = cost(capsys, "--workload", workload_file(tmp_path, {"agent-profiles": heavy}))[
        "tables"
    ]
    extra = lines_of(table)["write capacity units above the autoscaling minimum"]
    # The table needs 19 more; each index (floor 5) needs 24 more.
    assert extra["quantity"] == 19 + 24 + 24
    assert extra["unit_usd"] == pytest.approx(PRICES["wcu_hour"] * HOURS_PER_MONTH)


def test_standard_ia_is_advised_where_storage_dominates_and_not_where_requests_do(capsys, tmp_path):
    stored = {"writes_per_month": 1000, "reads_per_month": 1000, "item_kb": 1, "storage_gb": 500}
    busy = {"writes_per_month": 50e6, "reads_per_month": 50e6, "item_kb": 1, "storage_gb": 1}
    document = cost(
        capsys,
        "--workload",
        workload_file(
            tmp_path, {"ai-trade-matching-processing-status": stored, "OpportunitySessions": busy}
        ),
    )
    advice = {table["table"]: table["table_class_advice"] for table in document["tables"]}
    stored_advice = advice["ai-trade-matching-processing-status"]
    assert stored_advice["cheaper"] == "STANDARD_INFREQUENT_ACCESS"
    standard = (
        0.001 * PRICES["write_request_million"]
        + 0.001 * PRICES["read_request_million"]
        + 500 * PRICES["storage_gb_month"]
    )
    ia = (
        0.001 * PRICES["ia_write_request_million"]
        + 0.001 * PRICES["ia_read_request_million"]
        + 500 * PRICES["ia_storage_gb_month"]
    )
    assert stored_advice["standard_monthly_usd"] == pytest.approx(standard, abs=1e-4)
    assert stored_advice["standard_ia_monthly_usd"] == pytest.approx(ia, abs=1e-4)
    assert stored_advice["saving_monthly_usd"] == pytest.approx(
        stored_advice["standard_monthly_usd"] - stored_advice["standard_ia_monthly_usd"], abs=1e-9
    )
    assert stored_advice["saving_monthly_usd"] == pytest.approx(standard - ia, abs=5e-4)
    assert advice["OpportunitySessions"]["cheaper"] == "STANDARD"


def test_the_text_output_gives_the_advice_in_words(capsys, tmp_path):
    stored = {"writes_per_month": 10, "reads_per_month": 10, "item_kb": 1, "storage_gb": 100}
    workload = workload_file(tmp_path, {"ai-trade-matching-processing-status": stored})
    assert main(["cost", "--env", "prod", "--cdk-out", PROD, "--workload", workload]) == 0
    out = capsys.readouterr().out
    assert "  ai-trade-matching-processing-status (on-demand): $" in out
    assert "table class: Standard-IA would save $15.0000/month over Standard" in out


GOOD = {"writes_per_month": 1, "reads_per_month": 1, "item_kb": 1, "storage_gb": 1}


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        ({"no-such-table": GOOD}, "unknown table 'no-such-table'; valid tables: "),
        (
            {"agent-profiles": {**GOOD, "writes_per_month": -5}},
            "tables.agent-profiles.writes_per_month is -5; use a figure at or above 0",
        ),
        (
            {"agent-profiles": {**GOOD, "item_kb": "big"}},
            "tables.agent-profiles.item_kb must be a number, not 'big'",
        ),
        (
            {"agent-profiles": {**GOOD, "storage_gb": True}},
            "tables.agent-profiles.storage_gb must be a number, not True",
        ),
        (
            {"agent-profiles": {**GOOD, "writes": 3}},
            "tables.agent-profiles has unknown key 'writes'; valid keys: writes_per_month",
        ),
        (
            {"agent-profiles": {"writes_per_month": 1}},
            "tables.agent-profiles lacks reads_per_month, item_kb, storage_gb",
        ),
        (
            {"agent-profiles": {**GOOD, "index_share": {"no-index": 1}}},
            "index_share names unknown index 'no-index'; job-index, location-index",
        ),
        (
            {"agent-profiles": {**GOOD, "index_share": {"job-index": 2}}},
            "tables.agent-profiles.index_share.job-index is a fraction from 0 to 1",
        ),
        (
            {"agent-profiles": {**GOOD, "eventually_consistent_reads": "yes"}},
            "eventually_consistent_reads must be true or false",
        ),
        ({"agent-profiles": [1]}, "tables.agent-profiles must be an object"),
    ],
)
def test_a_bad_workload_is_one_line_and_exit_2(capsys, tmp_path, tables, message):
    workload = workload_file(tmp_path, tables)
    assert main(["cost", "--env", "prod", "--cdk-out", PROD, "--workload", workload]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert message in captured.err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"tables": {}, "extra": 1}', 'must be {"tables": {"<catalog key>": {...}}}'),
        ("[]", 'must be {"tables": {"<catalog key>": {...}}}'),
        ("{oops", "is not JSON"),
    ],
)
def test_a_workload_file_of_the_wrong_shape_is_one_line_and_exit_2(
    capsys, tmp_path, content, message
):
    path = tmp_path / "workload.json"
    path.write_text(content)
    assert main(["cost", "--env", "prod", "--cdk-out", PROD, "--workload", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_an_unreadable_workload_file_is_one_line_and_exit_2(capsys, tmp_path):
    missing = tmp_path / "missing.json"
    assert main(["cost", "--env", "prod", "--cdk-out", PROD, "--workload", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"cannot read workload file {missing}" in err


def test_a_workload_table_the_templates_lack_is_one_line_and_exit_1(capsys, tmp_path):
    workload = workload_file(tmp_path, {"request_processing_logs": GOOD})
    fixture_without_it = str(FIXTURES / "base")  # dev tables only
    code = main(["cost", "--env", "dev", "--cdk-out", fixture_without_it, "--workload", workload])
    assert code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "dev's templates have no table 'dev-request_processing_logs'" in err


def test_a_tie_between_the_classes_is_said_plainly(capsys):
    # Seed 003 at today's prices: Standard-IA's dearer requests cancel its cheaper storage.
    code = main(["cost", "--env", "prod", "--cdk-out", PROD, "--workload", SEED_003_WORKLOAD])
    assert code == 0
    out = capsys.readouterr().out
    assert "table class: Standard and Standard-IA cost the same for this workload" in out

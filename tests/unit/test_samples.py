"""The sample data fits its tables, and carries the seeds' own values."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

import catalog
from catalog.samples import SAMPLES, SampleDataError, item_problems, validate_samples

SPECS = {spec.key: spec for spec in catalog.TABLES}
TEN_YEARS = 10 * 365 * 24 * 3600


def only(table_key: str) -> dict:
    (item,) = SAMPLES[table_key]
    return item


def test_every_sample_item_fits_its_table():
    validate_samples(SAMPLES, SPECS)


def test_every_table_has_samples():
    assert set(SAMPLES) == set(SPECS)


def test_request_is_seed_001s_item():
    request = only("market_intelligence_requests")
    assert request["request_id"] == "req_1757412789250_a08ac7ad"
    assert request["user_id"] == "test-user-123"
    assert request["project_id"] == "test-project-001"
    assert (request["status"], request["priority"], request["processing_strategy"]) == (
        "pending",
        "high",
        "table",
    )
    assert len(request["config"]["keywords"]) == 8
    assert [s["name"] for s in request["config"]["sources"]] == [
        "FDA",
        "NIH",
        "ClinicalTrials.gov",
    ]
    assert request["config"]["quality_threshold"] == Decimal("0.7")
    assert request["progress"]["percentage"] == Decimal("65.0")
    assert request["results"]["execution_summary"]["success_rate"] == Decimal("94.6")
    (history,) = request["processing_metadata"]["status_history"]
    assert history["new_status"] == "processing"
    assert request["status_message"] is None and request["completed_at"] is None


def test_logs_cover_several_levels_and_stages_of_the_sample_request():
    logs = SAMPLES["request_processing_logs"]
    assert logs[0] == {
        "log_id": "log_1757412789250_001",
        "request_id": "req_1757412789250_a08ac7ad",
        "timestamp": "2024-01-09T15:43:09.250000",
        "log_level": "INFO",
        "message": "Request processing started",
        "stage": "initialization",
        "metadata": {"worker_id": "table_processor_001", "processing_node": "node-1"},
    }
    assert {log["request_id"] for log in logs} == {"req_1757412789250_a08ac7ad"}
    assert {log["log_level"] for log in logs} >= {"INFO", "WARNING", "ERROR", "DEBUG"}
    assert len({log["stage"] for log in logs}) >= 3


def test_status_item_has_seed_002s_agent_status_objects():
    status = only("ai-trade-matching-processing-status")
    assert status["sessionId"] == "test-session-123"
    assert status["correlationId"] == "test-corr-123"
    for agent in ("pdfAdapter", "tradeExtraction", "tradeMatching", "exceptionManagement"):
        assert status[agent]["status"] in {"pending", "in-progress", "success", "error"}
    assert status["tradeExtraction"]["tokenUsage"] == {
        "inputTokens": 11689,
        "outputTokens": 2480,
        "totalTokens": 14169,
    }


def test_opportunities_span_statuses_and_priorities():
    opportunities = SAMPLES["OpportunitySessions"]
    assert len(opportunities) >= 4
    assert {o["priority"] for o in opportunities} == {"High", "Medium", "Low"}
    assert {"Nueva", "En Progreso"} <= {o["status"] for o in opportunities}
    assert all(type(o["estimatedARR"]) is int for o in opportunities)


def test_agents_span_jobs_and_cities_and_have_a_conversation():
    profiles = SAMPLES["agent-profiles"]
    assert len({p["job"] for p in profiles}) >= 2
    assert len({p["location_city"] for p in profiles}) >= 2
    conversation = SAMPLES["agent-conversations"]
    assert len({m["conversation_id"] for m in conversation}) == 1
    assert {m["agent_id"] for m in conversation} <= {p["id"] for p in profiles}


def test_ttl_attributes_are_absent_or_far_in_the_future():
    horizon = time.time() + TEN_YEARS
    for key, items in SAMPLES.items():
        attribute = SPECS[key].ttl_attribute
        for item in items:
            if attribute and attribute in item:
                assert item[attribute] > horizon, (key, item[attribute])


@pytest.mark.parametrize(
    ("table_key", "change", "problem"),
    [
        (
            "OpportunitySessions",
            {"estimatedARR": "180000"},
            "'estimatedARR' must be N (int or Decimal), got str",
        ),
        ("OpportunitySessions", {"estimatedARR": True}, "'estimatedARR' must be N"),
        (
            "market_intelligence_requests",
            {"created_at": 1},
            "'created_at' must be S (str), got int",
        ),
        ("market_intelligence_requests", {"user_id": ""}, "key attribute 'user_id' is empty"),
        ("request_processing_logs", {"log_id": None}, "'log_id' must be S"),
        (
            "market_intelligence_requests",
            {"progress": {"percentage": 65.0}},
            "item.progress.percentage is a float: write it as Decimal('...') or int",
        ),
        ("agent-profiles", {"blob": "x" * 410_000}, "bytes; DynamoDB's limit is 409600"),
        (
            "agent-profiles",
            {"id": "a" * 2049},
            "key attribute 'id' is 2049 bytes; DynamoDB allows 2048 there",
        ),
        (
            "request_processing_logs",
            {"timestamp": "t" * 1025},
            "key attribute 'timestamp' is 1025 bytes; DynamoDB allows 1024 there",
        ),
        (  # an index's partition key: the same 2048
            "OpportunitySessions",
            {"status": "s" * 2049},
            "key attribute 'status' is 2049 bytes",
        ),
        ("agent-profiles", {"skills": set()}, "item.skills is an empty set"),
        ("agent-profiles", {"": "x"}, "item has an empty attribute name"),
        ("agent-profiles", {"meta": {"": 1}}, "item.meta has an empty attribute name"),
        (
            "agent-profiles",
            {"averagePrice": Decimal("1." + "1" * 38)},
            "item.averagePrice has more than 38 significant digits",
        ),
        ("agent-profiles", {"averagePrice": Decimal("1e200")}, "between 1e-130 and 1e126"),
        ("agent-profiles", {"averagePrice": Decimal("NaN")}, "DynamoDB numbers are finite"),
        ("agent-profiles", {"ratings": {Decimal("1e-200")}}, "between 1e-130 and 1e126"),
    ],
)
def test_validator_names_each_kind_of_problem(table_key, change, problem):
    item = {**SAMPLES[table_key][0], **change}
    problems = item_problems(SPECS[table_key], item)
    assert any(problem in p for p in problems), problems


def test_missing_sort_key_is_reported():
    item = dict(SAMPLES["OpportunitySessions"][0])
    del item["opportunityId"]
    assert item_problems(SPECS["OpportunitySessions"], item) == [
        "missing key attribute 'opportunityId'"
    ]


def test_absent_index_key_is_fine():
    item = dict(SAMPLES["OpportunitySessions"][0])
    del item["estimatedARR"]
    assert item_problems(SPECS["OpportunitySessions"], item) == []


def test_validate_samples_lists_every_problem_in_one_line():
    first = SAMPLES["agent-profiles"][0]
    bad = {
        "agent-profiles": [first, first, {**first, "id": "x", "job": 3}],
        "no-such-table": [{}],
    }
    with pytest.raises(SampleDataError) as caught:
        validate_samples(bad, SPECS)
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith("3 sample data problem(s): ")
    assert "agent-profiles[1]: duplicate primary key" in text
    assert "agent-profiles[2]: 'job' must be S (str), got int" in text
    assert "no-such-table: no such table in the catalog" in text
    assert text.endswith("(fix catalog/samples/)")

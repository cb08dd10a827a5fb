"""UnprocessedItems and throttling, with botocore's Stubber (DynamoDB Local and moto never
throttle): retried with backoff, then reported as not written; the run goes on, exit 1."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
from botocore.stub import Stubber

import ddbctl.migrate.writer as writer_module
from ddbctl.cli import main
from ddbctl.context import CommandContext
from ddbctl.migrate.validate import build_item
from ddbctl.migrate.writer import Batch, write_one
from ddbio import BackoffPolicy, dynamodb_client
from tests.agent_profiles_table import table_description
from tests.profiles import pending, profile, read_rejects, write_files

TABLE = "dev-agent-profiles"


def fast_policy(delays: list[float]) -> BackoffPolicy:
    return BackoffPolicy(
        max_attempts=3, base_delay=0.1, max_delay=0.3, sleep=delays.append, jitter=lambda: 1.0
    )


def test_unprocessed_items_are_retried_until_written(stubbed):
    client, stubber = stubbed
    batch = Batch(0, [pending(n) for n in range(3)])
    requests = [entry.request for entry in batch.entries]
    stubber.add_response("batch_write_item", {"UnprocessedItems": {TABLE: requests[2:]}})
    stubber.add_response("batch_write_item", {"UnprocessedItems": {}})
    delays: list[float] = []
    outcome = write_one(client, TABLE, batch, fast_policy(delays))
    assert (outcome.written, outcome.not_written) == (3, [])
    assert delays == [0.2]  # one full-jitter backoff (jitter pinned to 1.0) before the resend


def test_items_still_unprocessed_are_reported_not_dropped(stubbed):
    client, stubber = stubbed
    batch = Batch(0, [pending(n) for n in range(4)])
    left = [batch.entries[1].request, batch.entries[3].request]
    for _ in range(3):
        stubber.add_response("batch_write_item", {"UnprocessedItems": {TABLE: left}})
    delays: list[float] = []
    outcome = write_one(client, TABLE, batch, fast_policy(delays))
    assert outcome.written == 2
    assert [entry.seq for entry, _ in outcome.not_written] == [1, 3]
    [problem] = {problem for _, problem in outcome.not_written}
    assert problem.code == "unprocessed"
    assert "after 3 BatchWriteItem attempts" in problem.message
    assert delays == [0.2, 0.3]  # capped at max_delay


@pytest.mark.parametrize("code", ["ProvisionedThroughputExceededException", "ThrottlingException"])
def test_a_throttling_error_that_reaches_the_tool_marks_the_batch_not_written(stubbed, code):
    # Stubber bypasses botocore's retry handler: this proves what the tool does with a
    # throttling error that got through; the retries themselves are proved by the test below.
    client, stubber = stubbed
    stubber.add_client_error("batch_write_item", service_error_code=code, http_status_code=400)
    batch = Batch(0, [pending(n) for n in range(2)])
    outcome = write_one(client, TABLE, batch, fast_policy([]))
    assert outcome.written == 0
    assert len(outcome.not_written) == 2
    [problem] = {problem for _, problem in outcome.not_written}
    assert problem.code == "throttled"
    assert problem.message.startswith(f"{code} after botocore's retries")
    assert outcome.fatal is None


class ThrottleTwiceThenAccept(BaseHTTPRequestHandler):
    """A DynamoDB endpoint: two 400 ProvisionedThroughputExceededException, then success."""

    requests: list[str]  # set per server

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.requests.append(self.headers["X-Amz-Target"])
        if len(self.requests) <= 2:
            status, body = (
                400,
                {
                    "__type": "com.amazonaws.dynamodb.v20120810#"
                    "ProvisionedThroughputExceededException",
                    "message": "The level of configured provisioned throughput was exceeded",
                },
            )
        else:
            status, body = 200, {"UnprocessedItems": {}}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


def test_standard_retry_mode_really_retries_a_throttled_batch_write(monkeypatch):
    from botocore.retries.standard import ExponentialBackoff

    delays: list[float] = []

    def no_wait(self, context) -> float:
        delays.append(context.attempt_number)
        return 0.0  # keep the test fast; the retry decision itself is botocore's

    monkeypatch.setattr(ExponentialBackoff, "delay_amount", no_wait)
    handler = type("Handler", (ThrottleTwiceThenAccept,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}"
        client = dynamodb_client(region="us-east-1", endpoint_url=endpoint)  # as the tool's
        batch = Batch(0, [pending(n) for n in range(3)])
        outcome = write_one(client, TABLE, batch, fast_policy([]))
    finally:
        server.shutdown()
        server.server_close()
    assert handler.requests == ["DynamoDB_20120810.BatchWriteItem"] * 3
    assert delays == [1, 2]  # botocore backed off before each resend
    assert (outcome.written, outcome.not_written) == (3, [])


def test_a_batch_dynamodb_refuses_is_resent_item_by_item_so_only_the_bad_item_fails(stubbed):
    client, stubber = stubbed
    batch = Batch(0, [pending(n) for n in range(3)])
    refused = "Item size has exceeded the maximum allowed size"
    stubber.add_client_error(
        "batch_write_item", service_error_code="ValidationException", service_message=refused
    )
    for number in range(3):
        expected = {"RequestItems": {TABLE: [batch.entries[number].request]}}
        if number == 1:
            stubber.add_client_error(
                "batch_write_item",
                service_error_code="ValidationException",
                service_message=refused,
                expected_params=expected,
            )
        else:
            stubber.add_response("batch_write_item", {"UnprocessedItems": {}}, expected)
    outcome = write_one(client, TABLE, batch, fast_policy([]))
    stubber.assert_no_pending_responses()
    assert outcome.written == 2
    [(entry, problem)] = outcome.not_written
    assert entry.seq == 1
    assert (problem.code, problem.message) == (
        "write_failed",
        f"DynamoDB refused the item: {refused}",
    )


def test_a_fatal_error_while_resending_item_by_item_stops_the_run(stubbed):
    client, stubber = stubbed
    stubber.add_client_error("batch_write_item", service_error_code="ValidationException")
    stubber.add_client_error("batch_write_item", service_error_code="AccessDeniedException")
    outcome = write_one(client, TABLE, Batch(0, [pending(n) for n in range(2)]), fast_policy([]))
    assert outcome.fatal is not None
    assert (outcome.written, outcome.not_written) == (0, [])


def test_access_denied_is_fatal_not_a_per_record_failure(stubbed):
    client, stubber = stubbed
    stubber.add_client_error("batch_write_item", service_error_code="AccessDeniedException")
    outcome = write_one(client, TABLE, Batch(0, [pending(1)]), fast_policy([]))
    assert outcome.fatal is not None
    assert outcome.not_written == []


@pytest.fixture
def cli_stub(monkeypatch):
    """The command's own client (standard retries, pool sized to workers), under a Stubber."""
    made: dict = {}
    real_client = CommandContext.client

    def client(self, **options):
        made["client"] = real_client(self, **options)
        made["options"] = options
        made["stubber"] = Stubber(made["client"])
        made["stubber"].add_response("describe_table", table_description(TABLE))
        for add in made.pop("queued", []):
            add(made["stubber"])
        made["stubber"].activate()
        return made["client"]

    delays: list[float] = []
    monkeypatch.setattr(CommandContext, "client", client)
    monkeypatch.setattr(writer_module, "BackoffPolicy", lambda: fast_policy(delays))
    made["delays"] = delays
    return made


def test_run_goes_on_after_throttling_and_reports_every_unwritten_record(
    cli_stub, tmp_path, capsys
):
    records = [profile(n) for n in range(60)]  # batches of 25, 25 and 10
    source = write_files(tmp_path / "in", {f"{n:03d}.json": r for n, r in enumerate(records)})
    left = [{"PutRequest": {"Item": build_item(records[n])[1]}} for n in (50, 51)]
    cli_stub["queued"] = [
        lambda s: s.add_response("batch_write_item", {"UnprocessedItems": {}}),
        lambda s: s.add_client_error(
            "batch_write_item", service_error_code="ProvisionedThroughputExceededException"
        ),
        *[
            lambda s: s.add_response("batch_write_item", {"UnprocessedItems": {TABLE: left}})
            for _ in range(3)
        ],
    ]
    rejects = tmp_path / "rejects.jsonl"
    argv = ["migrate-profiles", str(source), "--env", "dev", "--workers", "1"]
    assert main([*argv, "--rejects", str(rejects)]) == 1

    config = cli_stub["client"].meta.config
    assert config.retries["mode"] == "standard"
    assert config.max_pool_connections == 1
    assert cli_stub["options"]["parameter_validation"] is False  # our validator checked items
    cli_stub["stubber"].assert_no_pending_responses()
    out = capsys.readouterr().out
    assert "read 60 = written 33 + rejected 0 + not written 27" in out
    assert "not written 25 throttled: e.g. ProvisionedThroughputExceededException" in out
    assert "not written 2 unprocessed: e.g. still in UnprocessedItems after 3" in out
    entries = read_rejects(rejects)
    assert [(e["seq"], e["kind"], e["code"]) for e in entries] == [
        *[(seq, "not_written", "throttled") for seq in range(25, 50)],
        (50, "not_written", "unprocessed"),
        (51, "not_written", "unprocessed"),
    ]
    assert entries[-1]["record"] == json.loads(json.dumps(records[51]))  # retry-ready
    assert cli_stub["delays"] == [0.2, 0.3]
    checkpoint = json.loads((tmp_path / "rejects.jsonl.checkpoint").read_text())
    assert (checkpoint["next_seq"], checkpoint["complete"]) == (60, True)


def test_fatal_error_stops_with_a_resumable_checkpoint(cli_stub, tmp_path, capsys):
    source = write_files(tmp_path / "in", {f"{n:03d}.json": profile(n) for n in range(30)})
    cli_stub["queued"] = [
        lambda s: s.add_response("batch_write_item", {"UnprocessedItems": {}}),
        lambda s: s.add_client_error(
            "batch_write_item", service_error_code="AccessDeniedException", service_message="no"
        ),
    ]
    rejects = tmp_path / "rejects.jsonl"
    argv = ["migrate-profiles", str(source), "--env", "dev", "--workers", "1"]
    assert main([*argv, "--rejects", str(rejects)]) == 1
    captured = capsys.readouterr()
    assert "read 30 = written 25 + rejected 0 + not written 0 + unfinished 5\n" in captured.out
    assert "AccessDeniedException" in captured.err
    assert "5 record(s) unfinished: run the same command with --resume" in captured.err
    checkpoint = json.loads((tmp_path / "rejects.jsonl.checkpoint").read_text())
    assert (checkpoint["next_seq"], checkpoint["complete"]) == (25, False)


def test_missing_table_is_one_clear_line(monkeypatch, tmp_path, capsys):
    client = boto3.client("dynamodb", region_name="us-east-1")
    stubber = Stubber(client)
    stubber.add_client_error("describe_table", service_error_code="ResourceNotFoundException")
    stubber.activate()
    monkeypatch.setattr(CommandContext, "client", lambda self, **options: client)
    source = write_files(tmp_path / "in", {"a.json": profile(1)})
    assert main(["migrate-profiles", str(source), "--env", "dev"]) == 1
    err = capsys.readouterr().err
    assert err == (
        "ddbctl migrate-profiles: error: table dev-agent-profiles does not exist at AWS: "
        "deploy it with `cdk deploy --context env=dev` (or create the table in DynamoDB Local) "
        "first\n"
    )

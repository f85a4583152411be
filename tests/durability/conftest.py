"""Fixtures for durability tests with real processes: worker subprocesses (`python -m worker`)
that the tests SIGKILL, and a dev server of their own that a test can kill and restart."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from protocol.names import SEARCH_ATTRIBUTE_KEYS
from tests.conftest import temporal_cli_path
from tests.durability import agents
from tests.durability.long_run import LongRun, long_run_in_background
from tests.integration.conftest import WorkerProcess

REPO = Path(__file__).resolve().parents[2]
REGISTRY = "tests.durability.agents:registry"
RUN_TIMEOUT = 120
"""Generous: only there so a broken recovery fails the test instead of hanging it."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_until(condition: Callable[[], Any], what: str, within: float = 60) -> Any:
    """Polls `condition` until it returns something truthy, and returns that."""
    deadline = time.monotonic() + within
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {within}s waiting for {what}")
        await asyncio.sleep(0.05)


@dataclass
class Scenario:
    """One test's task queue, execution log and hold markers, and the workers it started."""

    address: str
    task_queue: str
    tmp_path: Path
    workers: list[WorkerProcess] = field(default_factory=list)

    @property
    def log_path(self) -> Path:
        return self.tmp_path / "executions.jsonl"

    @property
    def hold_dir(self) -> Path:
        return self.tmp_path / "hold"

    def records(self, **match: Any) -> list[dict[str, Any]]:
        return [
            r
            for r in agents.read_log(self.log_path)
            if all(r.get(k) == v for k, v in match.items())
        ]

    def hold(self, run_id: str, kind: str, turn: int, suffix: str | None = None) -> Path:
        marker = self.hold_dir / agents.marker_name(run_id, kind, turn, suffix)
        marker.touch()
        return marker

    def start_worker(self, *extra_args: str) -> WorkerProcess:
        """`python -m worker` on this scenario's queue; returns once it logged "worker started"."""
        log_path = self.tmp_path / f"worker-{len(self.workers)}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TEMPORAL_", "AGENTS_"))}
        env.pop("OPENAI_API_KEY", None)
        env.update(
            TEMPORAL_ADDRESS=self.address,
            TEMPORAL_TASK_QUEUE=self.task_queue,
            DURABLE_AGENTS_LOG_FORMAT="json",
            DURABLE_AGENTS_PAYLOAD_STORAGE=f"file:{self.tmp_path / 'payloads'}",
            **{agents.LOG_ENV: str(self.log_path), agents.HOLD_DIR_ENV: str(self.hold_dir)},
        )
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "worker", "--registry", REGISTRY, *extra_args],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        worker = WorkerProcess(process, log_path)
        self.workers.append(worker)
        worker.wait_started()
        return worker

    def stop_all(self) -> None:
        for worker in self.workers:
            if worker.process.poll() is None:
                worker.stop(signal.SIGKILL)


@pytest.fixture
def scenario_for(tmp_path: Path) -> Iterator[Callable[[str], Scenario]]:
    """Makes a scenario against a server address; kills whatever workers it started."""
    made: list[Scenario] = []

    def make(address: str) -> Scenario:
        scenario = Scenario(address, f"durability-{uuid.uuid4().hex[:8]}", tmp_path)
        scenario.hold_dir.mkdir(exist_ok=True)
        made.append(scenario)
        return scenario

    yield make
    for scenario in made:
        scenario.stop_all()


@pytest.fixture
def scenario(
    temporal_env: WorkflowEnvironment, scenario_for: Callable[[str], Scenario]
) -> Scenario:
    """A scenario on the session's dev server."""
    return scenario_for(temporal_env.client.service_client.config.target_host)


class DevServer:
    """`temporal server start-dev` on a fixed port with a SQLite file, so it can be killed and
    started again with its state."""

    def __init__(self, tmp_path: Path) -> None:
        self.port = free_port()
        self.ui_port = free_port()
        self.db = tmp_path / "temporal.sqlite"
        self.log_path = tmp_path / "dev-server.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def start(self) -> None:
        args = [
            temporal_cli_path(),
            "server",
            "start-dev",
            "--headless",
            "--ip",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--ui-port",
            str(self.ui_port),
            "--db-filename",
            str(self.db),
            "--log-level",
            "error",
        ]
        for key in SEARCH_ATTRIBUTE_KEYS:
            args += ["--search-attribute", f"{key.name}=Keyword"]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: ASYNC220 (returns at once)
                args, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"dev server exited: {self.log_path.read_text(errors='replace')}")
            try:
                client = await Client.connect(self.address)
                await client.service_client.check_health()
                await client.list_workflows(page_size=1).fetch_next_page()
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


@pytest_asyncio.fixture
async def dev_server(tmp_path: Path) -> AsyncIterator[DevServer]:
    server = DevServer(tmp_path)
    await server.start()
    try:
        yield server
    finally:
        if server.process is not None and server.process.poll() is None:
            server.kill()


async def connect(address: str) -> Client:
    return await Client.connect(address, data_converter=pydantic_data_converter)


LONG_RUN_MODULE = "test_very_long_runs.py"


@pytest_asyncio.fixture(scope="package", autouse=True)
async def long_run(
    request: pytest.FixtureRequest,
    temporal_env: WorkflowEnvironment,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[LongRun | None]:
    """Starts the 2,000-turn run as the package's first test starts, when the long-run tests
    are selected, so it overlaps the subprocess tests; those long-run tests wait for it."""
    if not any(item.path.name == LONG_RUN_MODULE for item in request.session.items):
        yield None
        return
    payloads = tmp_path_factory.mktemp("long-run-payloads")
    async with long_run_in_background(temporal_env.client, payloads) as run:
        yield run

"""Fixtures for testing the shipped commands as an operator runs them: the worker service and the
CLI as subprocesses, against the session's dev server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

REPO = Path(__file__).resolve().parents[2]
TEST_REGISTRY = "tests.integration.agents:registry"
WORKER_START_SECONDS = 30


def subprocess_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEMPORAL_", "AGENTS_"))}
    env.pop("OPENAI_API_KEY", None)
    return {**env, **overrides}


@dataclass
class WorkerProcess:
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def events(self) -> list[dict[str, Any]]:
        """The worker's JSON log lines (anything else it printed is skipped)."""
        events = []
        for line in self.log().splitlines():
            try:
                events.append(json.loads(line))
            except ValueError:
                continue
        return events

    def wait_started(self) -> None:
        deadline = time.monotonic() + WORKER_START_SECONDS
        while not any(e.get("event") == "worker started" for e in self.events()):
            if self.process.poll() is not None:
                pytest.fail(f"worker exited with {self.process.returncode}:\n{self.log()}")
            if time.monotonic() > deadline:
                pytest.fail(f"worker did not start in {WORKER_START_SECONDS}s:\n{self.log()}")
            time.sleep(0.1)

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise


@pytest.fixture(scope="session")
def temporal_address(temporal_env: WorkflowEnvironment) -> str:
    return temporal_env.client.service_client.config.target_host


@pytest.fixture
def task_queue() -> str:
    """A queue per test, so one test's worker never picks up another test's runs."""
    return f"cli-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def start_worker(
    temporal_address: str, task_queue: str, tmp_path: Path
) -> Iterator[Callable[..., WorkerProcess]]:
    """Starts `python -m worker` on the test's task queue; stops whatever it started."""
    started: list[WorkerProcess] = []

    def start(*extra_args: str, registry: str = TEST_REGISTRY) -> WorkerProcess:
        log_path = tmp_path / f"worker-{len(started)}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "worker", "--registry", registry, *extra_args],
                cwd=REPO,
                env=subprocess_env(
                    TEMPORAL_ADDRESS=temporal_address,
                    TEMPORAL_TASK_QUEUE=task_queue,
                    DURABLE_AGENTS_LOG_FORMAT="json",
                ),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        worker = WorkerProcess(process, log_path)
        started.append(worker)
        worker.wait_started()
        return worker

    yield start
    for worker in started:
        worker.stop(signal.SIGKILL if worker.process.poll() is None else signal.SIGTERM)


CliRunner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli(temporal_address: str, task_queue: str) -> CliRunner:
    """Runs `python -m client ARGS...` against the dev server and the test's task queue."""

    def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "client", *args],
            cwd=REPO,
            env=subprocess_env(
                TEMPORAL_ADDRESS=temporal_address,
                TEMPORAL_TASK_QUEUE=task_queue,
                TEMPORAL_UI_URL="http://ui.example:8233",
            ),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)

"""`python -m worker` as a long-lived service: refuses bad registries, drains on SIGTERM."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import REPO, CliRunner, WorkerProcess, subprocess_env, wait_for


def _worker(*args: str) -> subprocess.CompletedProcess[str]:
    """A worker that should refuse to start (so it never reaches a server)."""
    return subprocess.run(
        [sys.executable, "-m", "worker", *args],
        cwd=REPO,
        env=subprocess_env(TEMPORAL_ADDRESS="127.0.0.1:1"),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("registry", "reason"),
    [
        (
            "tests.integration.missing:registry",
            "cannot load registry 'tests.integration.missing:registry': ModuleNotFoundError",
        ),
        (
            "tests.integration.duplicate_agents:registry",
            "UserError: two different agents are named 'twin'",
        ),
        ("tests.integration.agents:nothing", "has no attribute 'nothing'"),
        (
            "tests.integration.agents:not_a_registry",
            "is a list, not a durable_agents.AgentRegistry",
        ),
        ("tests.integration.agents", "must be given as module:attribute"),
    ],
)
def test_bad_registry_stops_the_worker_with_one_clear_line(registry: str, reason: str) -> None:
    done = _worker("--registry", registry)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert reason in lines[0]
    assert lines[0].startswith("worker: ")


def test_unreachable_server_exits_1_with_one_line() -> None:
    done = _worker("--registry", "tests.integration.agents:registry")
    assert done.returncode == 1
    assert done.stderr.strip().startswith("worker: cannot connect to Temporal at 127.0.0.1:1")
    assert "Traceback" not in done.stderr


def test_sigterm_mid_run_loses_nothing(
    cli: CliRunner, start_worker: Callable[..., WorkerProcess], tmp_path: Path
) -> None:
    """The first worker drains its in-flight tool call on SIGTERM and exits cleanly; a second
    worker finishes the run. Every tool call ran exactly once."""
    first = start_worker("--shutdown-grace", "15")
    marker = tmp_path / "steps.log"
    started = cli("start", "slow", "go", "--context", json.dumps({"marker": str(marker)}))
    run_id = started.stdout.strip()
    wait_for(lambda: marker.exists() and "start" in marker.read_text(), "a tool call in flight")

    assert first.stop(signal.SIGTERM) == 0, first.log()
    events = [e["event"] for e in first.events()]
    assert "shutdown requested" in events and "worker stopped" in events
    assert marker.read_text().count("end ") == 1, "the in-flight tool call finished during drain"

    start_worker()
    result = cli("result", run_id, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["final_output"] == "done after 3 steps"
    lines = marker.read_text().splitlines()
    calls = {line.split()[1] for line in lines}
    assert len(calls) == 3
    assert sorted(lines) == sorted([f"start {c}" for c in calls] + [f"end {c}" for c in calls])

"""`python -m client` against a real dev server and a `python -m worker` subprocess."""

from __future__ import annotations

import asyncio
import json
import socket
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from durable_agents import SQLiteSession

from .conftest import CliRunner, WorkerProcess, wait_for

UI = "http://ui.example:8233/namespaces/default/workflows/"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_run_prints_output_link_and_serves_metrics(
    cli: CliRunner, start_worker: Callable[..., WorkerProcess]
) -> None:
    metrics_port = _free_port()
    start_worker("--metrics-port", str(metrics_port), "--metrics-host", "127.0.0.1")

    done = cli("run", "echo", "hello there", "--run-id", "echo-run-1")

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "echo: hello there"
    assert f"ui: {UI}echo-run-1" in done.stderr
    with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10) as page:
        assert "temporal_" in page.read().decode()


def test_run_json_prints_the_whole_result(
    cli: CliRunner, start_worker: Callable[..., WorkerProcess]
) -> None:
    start_worker()
    done = cli("run", "echo", "hi", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["final_output"] == "echo: hi"
    assert result["status"] == "completed"
    assert result["last_agent_name"] == "echo"


def test_start_status_result_and_list(
    cli: CliRunner, start_worker: Callable[..., WorkerProcess], tmp_path: Path
) -> None:
    start_worker()
    marker = tmp_path / "steps.log"

    started = cli("start", "slow", "go", "--context", json.dumps({"marker": str(marker)}))
    assert started.returncode == 0, started.stderr
    run_id = started.stdout.strip()
    assert run_id.startswith("slow-")
    assert f"ui: {UI}{run_id}" in started.stderr

    wait_for(lambda: marker.exists(), "the first tool call")
    status = cli("status", run_id, "--json")
    assert status.returncode == 0, status.stderr
    info = json.loads(status.stdout)
    assert info["status"] == "running"
    assert info["agent_name"] == "slow"
    assert info["progress"]["current_turn"] >= 1
    assert info["ui_url"] == f"{UI}{run_id}"

    result = cli("result", run_id)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "done after 3 steps"

    status = cli("status", run_id)
    assert status.returncode == 0, status.stderr
    assert "status:  completed" in status.stdout
    assert "turn:    4/10" in status.stdout

    def listed() -> bool:
        runs = json.loads(cli("list", "--agent", "slow", "--json").stdout)
        return any(r["run_id"] == run_id and r["status"] == "completed" for r in runs)

    wait_for(listed, "the run in the visibility list")
    table = cli("list")
    assert table.returncode == 0 and run_id in table.stdout and f"{UI}{run_id}" in table.stdout


def test_cancel_after_turn_ends_the_run_after_its_current_turn(
    cli: CliRunner, start_worker: Callable[..., WorkerProcess], tmp_path: Path
) -> None:
    start_worker()
    marker = tmp_path / "steps.log"
    run_id = cli("start", "slow", "go", "--context", json.dumps({"marker": str(marker)})).stdout
    run_id = run_id.strip()
    wait_for(lambda: marker.exists(), "the first tool call")

    cancelled = cli("cancel", run_id, "--after-turn")
    assert cancelled.returncode == 0, cancelled.stderr
    assert "after its current turn" in cancelled.stdout

    result = cli("result", run_id, "--json")
    assert result.returncode == 3, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == "cancelled"
    assert data["current_turn"] == 1
    assert marker.read_text().count("end ") == 1, "the turn's tool call finished first"
    assert "cancelled after turn 1" in result.stderr
    assert "status:  cancelled" in cli("status", run_id).stdout


def test_hard_cancel(
    cli: CliRunner, start_worker: Callable[..., WorkerProcess], tmp_path: Path
) -> None:
    start_worker()
    marker = tmp_path / "steps.log"
    run_id = cli("start", "slow", "go", "--context", json.dumps({"marker": str(marker)})).stdout
    run_id = run_id.strip()
    wait_for(lambda: marker.exists(), "the first tool call")

    assert cli("cancel", run_id).returncode == 0
    result = cli("result", run_id)
    assert result.returncode == 3
    assert "RunCancelledError" in result.stderr
    assert "status:  cancelled" in cli("status", run_id).stdout


def test_failed_outcomes_have_exit_codes_and_one_line_reasons(
    cli: CliRunner, start_worker: Callable[..., WorkerProcess]
) -> None:
    start_worker()

    unknown = cli("run", "nope", "hi")
    assert unknown.returncode == 6
    assert "UnknownAgentError: unknown agent 'nope'" in unknown.stderr

    tripped = cli("run", "guarded", "this is forbidden")
    assert tripped.returncode == 4
    assert "InputGuardrailTripwireTriggered" in tripped.stderr
    assert cli("run", "guarded", "this is fine").returncode == 0

    looping = cli("run", "looper", "go", "--max-turns", "2", "--json")
    assert looping.returncode == 5
    assert "MaxTurnsExceeded" in looping.stderr
    assert json.loads(looping.stdout)["status"] == "max_turns_exceeded"

    for done in (unknown, tripped, looping):
        assert "Traceback" not in done.stderr
        assert [line for line in done.stderr.splitlines() if line.startswith("error:")]


def test_unknown_run_ids_and_unreachable_server(cli: CliRunner) -> None:
    for command in (["status", "no-such-run"], ["result", "no-such-run"], ["cancel", "nope"]):
        done = cli(*command)
        assert done.returncode == 6, (command, done.stderr)
        assert "no run with id" in done.stderr

    offline = cli("status", "x", "--address", "127.0.0.1:1")
    assert offline.returncode == 7
    assert "cannot reach Temporal at 127.0.0.1:1" in offline.stderr
    assert "Traceback" not in offline.stderr


def test_usage_errors_exit_2(cli: CliRunner) -> None:
    assert cli("run", "echo", "hi", "--context", "{not json").returncode == 2
    assert cli("run", "echo", "hi", "--max-turns", "0").returncode == 2


def test_status_without_a_worker_still_answers(cli: CliRunner) -> None:
    run_id = cli("start", "echo", "nobody serves this queue").stdout.strip()
    status = cli("status", run_id)
    assert status.returncode == 0, status.stderr
    assert "status:  running" in status.stdout
    assert "turn:    unknown (no worker answered the progress query" in status.stdout
    assert cli("cancel", run_id).returncode == 0


def test_runs_with_the_same_session_share_history(
    cli: CliRunner,
    start_worker: Callable[..., WorkerProcess],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = tmp_path / "nested" / "sessions.sqlite"
    monkeypatch.setenv("DURABLE_AGENTS_SESSION_DB", str(db))
    start_worker()

    first = cli("run", "echo", "first", "--session", "chat-7")
    assert first.returncode == 0, first.stderr
    second = cli("start", "echo", "second", "--session", "chat-7")
    assert second.returncode == 0, second.stderr
    result = cli("result", second.stdout.strip(), "--json")
    assert result.returncode == 0, result.stderr

    run = json.loads(result.stdout)
    assert run["final_output"] == "echo: second"
    assert [item.get("content") for item in run["input"]][::2] == ["first", "second"]
    stored = asyncio.run(SQLiteSession("chat-7", db).get_items())
    assert [item["role"] for item in stored] == ["user", "assistant", "user", "assistant"]
    assert stored[:3] == run["input"]

"""`python -m client stream` and `run --stream` against a dev server and a worker subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from .conftest import REPO, CliRunner, WorkerProcess, subprocess_env

UI = "http://ui.example:8233/namespaces/default/workflows/"
STREAM_REGISTRY = "tests.integration.stream_agents:registry"

DESK_EVENTS = [
    ("0", "agent_updated", "desk", "now running"),
    ("1", "tool_called", "desk", 'lookup {"order": "A1"}'),
    ("2", "tool_output", "desk", "order A1: 5.00 EUR"),
    ("3", "handoff_requested", "desk", "transfer_to_billing {}"),
    ("4", "handoff_occured", "desk", "desk -> billing"),
    ("5", "agent_updated", "billing", "now running"),
    ("6", "tool_called", "billing", 'refund {"order": "A1", "amount": 5.0}'),
    ("7", "tool_output", "billing", '{"order": "A1", "refunded": 5.0}'),
    ("8", "message_output_created", "billing", "Refunded A1."),
]


def _event_lines(stdout: str) -> list[tuple[str, ...]]:
    """Event lines as (offset, name, agent, text); other lines (the result) are left out."""
    rows = []
    for line in stdout.splitlines():
        parts = line.split(maxsplit=3)
        if len(parts) == 4 and parts[0].isdigit():
            rows.append(tuple(parts))
    return rows


def test_stream_prints_a_runs_events_then_its_result(
    cli: CliRunner, start_worker: Callable[..., WorkerProcess]
) -> None:
    start_worker(registry=STREAM_REGISTRY)
    assert cli("run", "desk", "refund A1", "--run-id", "desk-stream-1").returncode == 0

    done = cli("stream", "desk-stream-1")
    assert done.returncode == 0, done.stderr
    assert _event_lines(done.stdout) == DESK_EVENTS
    assert done.stdout.splitlines()[-1] == "Refunded A1."
    assert f"ui: {UI}desk-stream-1" in done.stderr

    tail = cli("stream", "desk-stream-1", "--from-offset", "6")
    assert tail.returncode == 0, tail.stderr
    assert _event_lines(tail.stdout) == DESK_EVENTS[6:]

    as_json = cli("stream", "desk-stream-1", "--json")
    assert as_json.returncode == 0, as_json.stderr
    *events, result = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [e["offset"] for e in events] == list(range(len(DESK_EVENTS)))
    assert events[0] == {
        "type": "agent_updated_stream_event",
        "new_agent": {"name": "desk"},
        "offset": 0,
    }
    assert events[4]["name"] == "handoff_occured"
    assert events[4]["item"]["target_agent"] == "billing"
    assert result["status"] == "completed" and result["final_output"] == "Refunded A1."
    assert [e["item"] for e in events if e["type"] == "run_item_stream_event"] == result[
        "new_items"
    ]


def test_run_stream_prints_events_while_the_run_goes(
    temporal_address: str,
    task_queue: str,
    start_worker: Callable[..., WorkerProcess],
    tmp_path: Path,
) -> None:
    start_worker(registry=STREAM_REGISTRY)
    gate = tmp_path / "gate"
    command = subprocess.Popen(
        [sys.executable, "-m", "client", "run", "gated", "go", "--stream"]
        + ["--context", json.dumps({"gate": str(gate)})],
        cwd=REPO,
        env=subprocess_env(TEMPORAL_ADDRESS=temporal_address, TEMPORAL_TASK_QUEUE=task_queue),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert command.stdout is not None
        first = [command.stdout.readline(), command.stdout.readline()]
        # The tool is still waiting for the gate, so these lines came while the run went on.
        assert not gate.exists() and command.poll() is None
        # Offsets count the model's raw events too (`run --stream` streams them), unprinted here.
        assert [line.split()[1:3] for line in first] == [
            ["agent_updated", "gated"],
            ["tool_called", "gated"],
        ]
        gate.touch()
        rest, errors = command.communicate(timeout=60)
    finally:
        gate.touch()
        if command.poll() is None:
            command.kill()
    assert command.returncode == 0, errors
    tool_output, text, message, *_ = rest.splitlines()
    assert tool_output.split()[1:3] == ["tool_output", "gated"]
    assert text == "through the gate"  # the streamed deltas, before the message event
    assert message.split()[1:3] == ["message_output_created", "gated"]
    assert int(first[1].split()[0]) < int(tool_output.split()[0]) < int(message.split()[0])
    assert rest.splitlines()[-1] == "through the gate"
    assert "ui: " in errors


def test_streamed_failures_and_unknown_runs_have_the_result_exit_codes(
    cli: CliRunner, start_worker: Callable[..., WorkerProcess]
) -> None:
    start_worker(registry=STREAM_REGISTRY)

    looping = cli("run", "looper", "go", "--max-turns", "2", "--stream")
    assert looping.returncode == 5, looping.stderr
    assert [row[1:3] for row in _event_lines(looping.stdout)] == [
        ("agent_updated", "looper"),
        ("tool_called", "looper"),
        ("tool_output", "looper"),
        ("tool_called", "looper"),
        ("tool_output", "looper"),
    ]
    assert "MaxTurnsExceeded" in looping.stderr

    as_json = cli("run", "looper", "go", "--max-turns", "1", "--stream", "--json")
    assert as_json.returncode == 5, as_json.stderr
    lines = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [e.get("type") for e in lines[:-1]] == [
        "agent_updated_stream_event",
        "raw_response_event",  # the model's response.completed: this model does not stream
        "run_item_stream_event",
        "run_item_stream_event",
    ]
    assert lines[1]["data"]["type"] == "response.completed"
    assert lines[-1]["status"] == "max_turns_exceeded"

    unknown = cli("stream", "no-such-run")
    assert unknown.returncode == 6
    assert "error: no run with id 'no-such-run'" in unknown.stderr
    assert unknown.stdout == ""

    negative = cli("stream", "no-such-run", "--from-offset", "-1")
    assert negative.returncode == 2
    for done in (looping, as_json, unknown, negative):
        assert "Traceback" not in done.stderr

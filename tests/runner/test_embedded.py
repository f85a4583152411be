"""`Runner` in the embedded default: SDK-style programs run as scripts, on a dev server the
project starts, served by an in-process worker."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from runner import dev_server

REPO = Path(__file__).resolve().parents[2]
PROGRAMS = Path(__file__).parent / "programs"


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    dev_server.stop(tmp_path)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEMPORAL_")}
    env.pop("OPENAI_API_KEY", None)
    return {**env, "PYTHONPATH": str(REPO)}


def _script(project: Path, name: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(PROGRAMS / name), *args],
        cwd=project,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen[str]) -> tuple[dict, str]:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    [line] = out.splitlines()  # nothing but the program's own output on stdout
    return json.loads(line), err


def test_an_sdk_program_runs_unchanged(project: Path) -> None:
    report, err = _finish(_script(project, "trip.py", str(project / "sessions.sqlite")))
    assert report == {
        "final_output": "Rome was lovely.",
        "last_agent": "guide",
        "last_agent_is_the_guide": True,
        "context_is_the_trip": True,
        "item_agents": ["guide", "planner"],
        "item_agents_are_objects": True,
        "cities": ["Rome"],  # the tool changed the program's own context object
        "tools_ended": 1,
        "again": "Rome was lovely. | "
        "Runner.run_sync() cannot be called when an event loop is already running.",
        "session_items": 8,  # 6 items of the first run, 2 of the second
    }
    assert err.count("UI http://127.0.0.1:") == 1  # the link, once
    assert (project / ".durable_agents" / "temporal.db").exists()


def test_a_killed_script_continues_its_run_with_the_same_run_id(project: Path) -> None:
    log, resumed = project / "tools.log", project / "resumed"
    args = ("trip-run-1", str(log), str(resumed))
    first = _script(project, "resumable.py", *args)
    deadline = time.monotonic() + 60
    while "slow start" not in (log.read_text() if log.exists() else ""):
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    resumed.touch()

    report, _ = _finish(_script(project, "resumable.py", *args))
    assert report == {"final_output": "all done", "run_id": "trip-run-1"}
    # The completed tool did not run again; the one killed mid-call ran to its end once.
    assert log.read_text().splitlines() == [
        "quick start",
        "quick end",
        "slow start",
        "slow start",
        "slow end",
    ]

    again, _ = _finish(_script(project, "resumable.py", *args))
    assert again == report  # a finished run's id returns its result
    assert log.read_text().count("\n") == 5


def test_runner_takes_an_agent() -> None:
    from durable_agents import Runner, UserError

    with pytest.raises(UserError, match="takes an Agent to start with"):
        Runner.run_sync("assistant", "hi")  # type: ignore[arg-type]


def test_a_run_id_in_progress_with_other_agents_is_refused_not_waited_on(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from temporalio.client import Client

    from connection.converter import data_converter
    from durable_agents import Agent, Runner, UserError
    from durable_agents.testing import ScriptedModel
    from protocol.names import WORKFLOW_NAME
    from protocol.run import RunInput

    async def start_elsewhere() -> None:
        server = dev_server.ensure(project)
        client = await Client.connect(server.address, data_converter=data_converter())
        run_input = RunInput(agent_name="other", input="hi")
        await client.start_workflow(WORKFLOW_NAME, run_input, id="taken", task_queue="elsewhere")

    monkeypatch.chdir(project)
    asyncio.run(start_elsewhere())
    agent = Agent(name="mine", model=ScriptedModel(lambda request: "ok"))
    with pytest.raises(UserError, match="in progress with other agents"):
        Runner.run_sync(agent, "hi", run_id="taken")


def test_two_different_agents_with_one_name_are_a_clear_error() -> None:
    from durable_agents import Agent, Runner, UserError

    left = Agent(name="left", handoffs=[Agent(name="twin", instructions="one")])
    right = Agent(name="right", handoffs=[Agent(name="twin", instructions="two")])
    start = Agent(name="start", handoffs=[left, right])
    with pytest.raises(UserError, match="two different agents are named 'twin'"):
        Runner.run_sync(start, "hi")


def test_instructions_of_the_wrong_signature_are_the_reference_type_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused when the registry is built, before a server is started or a model called."""
    from durable_agents import Agent, Runner

    monkeypatch.chdir(tmp_path)
    target = Agent(name="target", instructions=lambda ctx: "one parameter")
    start = Agent(name="start", instructions="Route.", handoffs=[target])
    with pytest.raises(TypeError, match=r"agent 'target': 'instructions' callable must accept"):
        Runner.run_sync(start, "hi")
    assert not (tmp_path / ".durable_agents").exists()


STREAMED_KINDS = ["agent:counter", "tool_called", "tool_output", "message_output_created"]


@pytest.mark.parametrize("how", ["read", "late"])
def test_run_streamed_returns_at_once_and_streams_the_run(project: Path, how: str) -> None:
    report, _ = _finish(_script(project, "streamed.py", how))
    assert report == {
        "complete_at_once": False,
        "deltas": "There are three of them.",
        "kinds": STREAMED_KINDS,
        "agent_objects": [True],  # events hold the program's Agent, as in the reference
        "complete": True,
        "status": "completed",
        "final_output": "There are three of them.",
        "last_agent": True,
        "items": 3,
        "turns": 2,
    }


def test_a_streamed_run_cancelled_after_its_turn_ends_with_what_it_has(project: Path) -> None:
    report, _ = _finish(_script(project, "streamed.py", "cancel"))
    assert report["kinds"] == STREAMED_KINDS[:3]
    assert report["status"] == "cancelled"
    assert report["complete"] and report["items"] == 2


def test_a_program_that_never_reads_its_stream_exits(project: Path) -> None:
    report, err = _finish(_script(project, "streamed.py", "never"))
    assert report == {"complete_at_once": False}
    assert "Traceback" not in err


def test_a_streamed_run_cancelled_at_once_ends_its_stream(project: Path) -> None:
    report, err = _finish(_script(project, "streamed.py", "stop"))
    assert "Traceback" not in err  # the cancelled tool is the run's news, not a warning
    assert report["kinds"] == STREAMED_KINDS[:2]
    assert report["status"] == "cancelled" and report["complete"]
    assert report["final_output"] is None


def _kill_in_seat_tool(process: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + 60
    while "seat start" not in (log.read_text() if log.exists() else ""):
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()


AIRLINE_REPORT = {
    "final_output": "Done.",
    "tool_outputs": ["Ada is in 12A on FLT-123"],
    "context": {
        "passenger": "Ada",
        "flight_number": "FLT-123",
        "seat": "12A",
    },
    "same_object": True,
}


def test_context_set_before_a_crash_is_there_after_it(project: Path) -> None:
    """The handoff callback sets the flight number; the program is killed in the seat tool,
    started again with a fresh context object, and the tool still finds the flight number."""
    log, resumed = project / "airline.log", project / "resumed"
    args = ("airline-1", str(log), str(resumed))
    _kill_in_seat_tool(_script(project, "airline.py", *args), log)
    resumed.touch()

    report, _ = _finish(_script(project, "airline.py", *args))
    for key in ("log", "resumed"):
        report["context"].pop(key)
    assert report == AIRLINE_REPORT
    # The handoff callback ran once, before the kill; the seat tool ran again to its end.
    assert log.read_text().splitlines() == [
        "handoff",
        "seat start",
        "seat start",
        "seat end FLT-123",
    ]

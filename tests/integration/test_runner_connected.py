"""`Runner` with a Temporal cluster configured: runs start by agent name on the configured task
queue and a `python -m worker` subprocess serves them; what cannot cross to it is refused at
start."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from openai.types.responses import ResponseCompletedEvent
from temporalio.testing import WorkflowEnvironment

from client import AgentClient
from durable_agents import (
    Agent,
    GuardrailFunctionOutput,
    RawResponsesStreamEvent,
    RunConfig,
    RunHooks,
    RunItemStreamEvent,
    Runner,
    UnknownAgentError,
    UserError,
    input_guardrail,
)
from durable_agents.testing import ScriptedModel

from .conftest import REPO, WorkerProcess, subprocess_env, wait_for

AIRLINE = REPO / "tests" / "runner" / "programs" / "airline.py"


@input_guardrail
def no_guardrail(ctx: object, agent: Agent, input: object) -> GuardrailFunctionOutput:
    return GuardrailFunctionOutput(tripwire_triggered=False)


@pytest.fixture(autouse=True)
def cluster(monkeypatch: pytest.MonkeyPatch, temporal_address: str, task_queue: str) -> None:
    monkeypatch.setenv("TEMPORAL_ADDRESS", temporal_address)
    monkeypatch.setenv("TEMPORAL_TASK_QUEUE", task_queue)
    monkeypatch.delenv("DURABLE_AGENTS_RUNNER_IN_PROCESS_WORKER", raising=False)


async def _queue_of(env: WorkflowEnvironment, run_id: str) -> str:
    description = await env.client.get_workflow_handle(run_id).describe()
    return description.raw_description.execution_config.task_queue.name


async def test_runs_start_by_name_on_the_clusters_workers(
    start_worker: Callable[..., WorkerProcess], temporal_env: WorkflowEnvironment, task_queue: str
) -> None:
    start_worker()
    # The program's agent is named; the worker's definition of "echo" (its model) runs.
    result = await Runner.run(Agent(name="echo"), "hello there", context={"user": "ada"})
    assert result.final_output == "echo: hello there"
    assert await _queue_of(temporal_env, result.run_id) == task_queue

    again = await Runner.run(Agent(name="echo"), "ignored", run_id=result.run_id)
    assert again.final_output == "echo: hello there"  # the same run_id: that run's result


async def test_a_streamed_run_on_the_cluster(start_worker: Callable[..., WorkerProcess]) -> None:
    start_worker()
    streamed = Runner.run_streamed(Agent(name="echo"), "hi")
    kinds, raw = [], []
    async for event in streamed.stream_events():
        if isinstance(event, RunItemStreamEvent):
            kinds.append(event.name)
        elif isinstance(event, RawResponsesStreamEvent):
            raw.append(event.data)
    assert kinds == ["message_output_created"]
    assert any(isinstance(data, ResponseCompletedEvent) for data in raw)
    assert streamed.is_complete and streamed.final_output == "echo: hi"


async def test_an_agent_no_worker_has_ends_the_run_with_a_clear_error(
    start_worker: Callable[..., WorkerProcess],
) -> None:
    start_worker()
    with pytest.raises(UnknownAgentError, match="nobody"):
        await Runner.run(Agent(name="nobody"), "hi")


async def test_a_queue_no_worker_polls_is_refused_at_start() -> None:
    with pytest.raises(UserError, match="no worker serves task queue 'cli-"):
        await Runner.run(Agent(name="echo"), "hi")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"starting_agent": Agent(name="echo", model=ScriptedModel(["hi"]))}, "Model object"),
        (
            {
                "starting_agent": Agent(
                    name="start", handoffs=[Agent(name="later", model=ScriptedModel(["hi"]))]
                )
            },
            "agent 'later' has a Model object",
        ),
        ({"hooks": RunHooks()}, "hooks objects cannot leave this process"),
        ({"context": {"lock": threading.Lock()}}, "does not serialise to JSON"),
        (
            {"run_config": RunConfig(call_model_input_filter=lambda data: data.model_data)},
            "RunConfig call_model_input_filter: objects cannot leave this process",
        ),
    ],
)
async def test_what_cannot_cross_to_the_workers_is_refused_at_start(
    kwargs: dict, message: str
) -> None:
    kwargs.setdefault("starting_agent", Agent(name="echo"))
    with pytest.raises(UserError, match=message) as refused:
        await Runner.run(input="hi", **kwargs)
    assert "DURABLE_AGENTS_RUNNER_IN_PROCESS_WORKER=1" in str(refused.value)


async def test_a_run_started_by_name_refuses_run_config_objects(
    temporal_env: WorkflowEnvironment,
) -> None:
    agents = AgentClient(temporal_env.client, task_queue="nobody-polls")
    config = RunConfig(model=ScriptedModel(["hi"]), input_guardrails=["named", no_guardrail])
    with pytest.raises(UserError, match="RunConfig input_guardrails, model: objects of this"):
        await agents.start("echo", "hi", run_config=config)


async def test_an_in_process_worker_on_the_cluster_takes_live_objects(
    monkeypatch: pytest.MonkeyPatch, temporal_env: WorkflowEnvironment, task_queue: str
) -> None:
    monkeypatch.setenv("DURABLE_AGENTS_RUNNER_IN_PROCESS_WORKER", "1")
    lock = threading.Lock()
    agent = Agent(name="local", model=ScriptedModel(["from here"]))
    result = await Runner.run(agent, "hi", context={"lock": lock}, hooks=RunHooks())
    assert result.final_output == "from here"
    # On the configured cluster, on a queue of this graph's own (not the long-lived workers').
    assert (await _queue_of(temporal_env, result.run_id)).startswith("embedded-")


async def test_the_in_process_worker_setting_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DURABLE_AGENTS_RUNNER_IN_PROCESS_WORKER", "maybe")
    with pytest.raises(UserError, match="must be 1 or 0, got 'maybe'"):
        await Runner.run(Agent(name="echo"), "hi")


def test_context_a_handoff_set_survives_a_killed_worker(
    start_worker: Callable[..., WorkerProcess],
    temporal_address: str,
    task_queue: str,
    tmp_path: Path,
) -> None:
    """The SDK program runs on the cluster's worker; the worker is SIGKILLed in the seat tool
    after the handoff callback set the flight number, a new one finishes the run, and the
    program's own context object ends up with what the run set."""
    log, resumed = tmp_path / "airline.log", tmp_path / "resumed"
    registry = "tests.runner.programs.airline:registry"
    worker = start_worker(registry=registry)
    program = subprocess.Popen(
        [sys.executable, str(AIRLINE), "airline-c1", str(log), str(resumed), "connected"],
        cwd=tmp_path,
        env=subprocess_env(
            TEMPORAL_ADDRESS=temporal_address, TEMPORAL_TASK_QUEUE=task_queue, PYTHONPATH=str(REPO)
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(lambda: "seat start" in (log.read_text() if log.exists() else ""), "the seat tool")
    worker.stop(signal.SIGKILL)
    resumed.touch()
    start_worker(registry=registry)

    out, err = program.communicate(timeout=120)
    assert program.returncode == 0, err
    report = json.loads(out)
    assert report["tool_outputs"] == ["Ada is in 12A on FLT-123"]
    assert report["context"]["flight_number"] == "FLT-123" and report["context"]["seat"] == "12A"
    assert report["same_object"]
    assert log.read_text().splitlines() == [
        "handoff",
        "seat start",
        "seat start",
        "seat end FLT-123",
    ]

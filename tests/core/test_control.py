"""Soft cancel, the progress query and concurrency of a turn's tool calls."""

from __future__ import annotations

import asyncio

import pytest
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import CancelledError

from durable_agents import Agent, AgentRegistry, function_tool
from durable_agents.items import function_call
from durable_agents.testing import ScriptedModel
from protocol.run import RunProgress

started = asyncio.Event()
release = asyncio.Event()
finished: list[str] = []


@function_tool
async def slow_job(name: str) -> str:
    """A job that waits until the test releases it."""
    started.set()
    await release.wait()
    finished.append(name)
    return f"{name} done"


def looping_model() -> ScriptedModel:
    return ScriptedModel(
        lambda req: [
            function_call(
                "slow_job",
                {"name": f"job{req.call_context.turn}"},
                call_id=f"c{req.call_context.turn}",
            )
        ]
    )


async def test_cancel_after_turn_mid_turn_finishes_the_turn_then_returns_partial_result(
    harness_for,
):
    started.clear(), release.clear(), finished.clear()
    agent = Agent(name="worker", tools=[slow_job], model=looping_model())
    async with harness_for(AgentRegistry([agent])) as h:
        handle = await h.start("worker", "work forever", max_turns=50)
        await asyncio.wait_for(started.wait(), 10)
        progress = await handle.query("progress", result_type=RunProgress)
        assert progress.status == "running" and progress.current_turn == 1
        assert progress.current_agent == "worker"
        await handle.signal("cancel_after_turn")
        progress = await handle.query("progress", result_type=RunProgress)
        assert progress.cancel_requested is True
        release.set()
        result = await handle.result()
    assert result.status == "cancelled"
    assert result.current_turn == 1
    assert finished == ["job1"]
    assert [i.type for i in result.new_items] == ["tool_call_item", "tool_call_output_item"]
    assert result.new_items[-1].output == "job1 done"
    assert result.final_output is None


async def test_progress_reports_usage_and_last_items(harness_for):
    started.clear(), release.clear(), finished.clear()
    model = ScriptedModel(
        [
            [function_call("slow_job", {"name": "a"}, call_id="c1")],
            [function_call("slow_job", {"name": "b"}, call_id="c2")],
            "end",
        ]
    )
    agent = Agent(name="worker", tools=[slow_job], model=model)
    async with harness_for(AgentRegistry([agent])) as h:
        handle = await h.start("worker", "go")
        release.set()
        result = await handle.result()
        progress = await handle.query("progress", result_type=RunProgress)
    assert progress.status == "completed" and progress.current_turn == 3
    assert progress.usage.requests == 3 == result.usage.requests
    assert progress.last_items[-1].type == "message_output_item"


async def test_hard_cancel_stops_the_run_at_once(harness_for):
    started.clear(), release.clear(), finished.clear()
    agent = Agent(name="worker", tools=[slow_job], model=looping_model())
    async with harness_for(AgentRegistry([agent])) as h:
        handle = await h.start("worker", "go")
        await asyncio.wait_for(started.wait(), 10)
        await handle.cancel()
        with pytest.raises(WorkflowFailureError) as info:
            await handle.result()
        release.set()
    assert isinstance(info.value.cause, CancelledError)


barrier_count = 0
both_running = asyncio.Event()


@function_tool
async def rendezvous(n: int) -> str:
    """Completes only when every call of the turn is running at the same time."""
    global barrier_count
    barrier_count += 1
    if barrier_count == 3:
        both_running.set()
    await asyncio.wait_for(both_running.wait(), 10)
    return f"r{n}"


async def test_tool_calls_of_a_turn_run_concurrently(harness_for):
    calls = [function_call("rendezvous", {"n": i}, call_id=f"c{i}") for i in range(3)]
    agent = Agent(name="a", tools=[rendezvous], model=ScriptedModel([calls, "all met"]))
    async with harness_for(AgentRegistry([agent])) as h:
        result = await h.run("a", "go")
    assert result.final_output == "all met"
    assert [i.output for i in result.new_items if i.type == "tool_call_output_item"] == [
        "r0",
        "r1",
        "r2",
    ]


@function_tool(run_locally=True)
def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


async def test_a_tool_marked_run_locally_runs_as_a_local_activity(harness_for):
    model = ScriptedModel([[function_call("add", {"a": 2, "b": 3}, call_id="c1")], "five"])
    agent = Agent(name="a", tools=[add], model=model)
    async with harness_for(AgentRegistry([agent])) as h:
        handle = await h.start("a", "add")
        result = await handle.result()
        history = await handle.fetch_history()
    assert result.final_output == "five"
    assert [i.output for i in result.new_items if i.type == "tool_call_output_item"] == [5]
    scheduled = [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in history.events
        if e.HasField("activity_task_scheduled_event_attributes")
    ]
    markers = [e for e in history.events if e.HasField("marker_recorded_event_attributes")]
    assert "agents.call_tool" not in scheduled
    assert len(markers) == 2  # resolve_run and the tool

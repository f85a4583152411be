"""The Python client against an in-process worker: what `status` reports, and run options."""

from __future__ import annotations

import asyncio
import warnings

import pytest

from client import AgentClient
from durable_agents import Agent, AgentRegistry, MaxTurnsExceeded, RunConfig, function_tool
from durable_agents.items import function_call
from durable_agents.testing import ScriptedModel

gate = asyncio.Event()


@function_tool
async def wait_for_gate() -> str:
    """Waits until the test opens the gate."""
    await gate.wait()
    return "through"


def _agent() -> Agent:
    return Agent(
        name="looper",
        tools=[wait_for_gate],
        model=ScriptedModel(
            lambda r: [function_call("wait_for_gate", {}, call_id=f"c{r.call_context.turn}")]
        ),
    )


async def test_status_of_a_run_cancelled_after_a_turn_without_search_attributes(harness_for):
    gate.clear()
    async with harness_for(AgentRegistry([_agent()])) as h:
        # Started without the client's search attributes, as another client might.
        handle = await h.start("looper", "go", max_turns=20)
        agents = AgentClient(h.client, task_queue=h.task_queue)
        await agents.cancel_after_turn(handle.id)
        gate.set()
        await handle.result()
        info = await agents.status(handle.id)
    assert info.status == "cancelled"


async def test_start_passes_the_continue_as_new_budget(harness_for):
    gate.set()
    async with harness_for(AgentRegistry([_agent()])) as h:
        agents = AgentClient(h.client, task_queue=h.task_queue)
        run_id = await agents.start("looper", "go", max_turns=7, continue_as_new_after_turns=2)
        with pytest.raises(MaxTurnsExceeded):  # the agent loops until max_turns by design
            await agents.result(run_id)
        progress = await agents.progress(run_id)
    assert progress.continued_runs == 3


async def test_tracing_settings_say_they_have_no_effect_yet(harness_for):
    agent = Agent(name="a", model=ScriptedModel(lambda request: "done"))
    async with harness_for(AgentRegistry([agent])) as h:
        agents = AgentClient(h.client, task_queue=h.task_queue)
        traced = RunConfig(workflow_name="Billing", trace_id="trace_1", group_id="g")
        with pytest.warns(UserWarning, match="group_id, trace_id, workflow_name: tracing is not"):
            result = await agents.run("a", "hi", run_config=traced)
        assert result.final_output == "done"
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            off = RunConfig(tracing_disabled=True, trace_metadata={"k": "v"})
            result = await agents.run("a", "hi", run_config=off)
        assert result.final_output == "done"

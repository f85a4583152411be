"""Lifecycle hooks: the run's hooks (`AgentRegistry(hooks=...)`) and an agent's
(`Agent(hooks=...)`) hear the events the reference runner reports, in its order, with what it
passes them; they run in the activities next to what they observe."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from durable_agents import (
    Agent,
    AgentHookContext,
    AgentHooks,
    AgentRegistry,
    RunContextWrapper,
    RunHooks,
    function_tool,
)
from durable_agents.items import function_call
from durable_agents.testing import ScriptedModel


@function_tool
def lookup(city: str) -> str:
    """Weather of a city."""
    return f"sunny in {city}"


class RecordingRunHooks(RunHooks[Any]):
    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []

    async def on_agent_start(self, context: AgentHookContext[Any], agent: Agent[Any]) -> None:
        self.events.append(("agent_start", agent.name, len(context.turn_input)))

    async def on_agent_end(self, context, agent, output) -> None:
        self.events.append(("agent_end", agent.name, output, context.usage.requests))

    async def on_llm_start(self, context, agent, system_prompt, input_items) -> None:
        self.events.append(("llm_start", agent.name, system_prompt, len(input_items)))

    async def on_llm_end(self, context, agent, response) -> None:
        self.events.append(("llm_end", agent.name, len(response.output)))

    async def on_handoff(self, context: RunContextWrapper[Any], from_agent, to_agent) -> None:
        self.events.append(("handoff", from_agent.name, to_agent.name))

    async def on_tool_start(self, context, agent, tool) -> None:
        self.events.append(("tool_start", agent.name, tool.name, context.tool_call_id))

    async def on_tool_end(self, context, agent, tool, result) -> None:
        self.events.append(("tool_end", agent.name, tool.name, result))


class RecordingAgentHooks(AgentHooks[Any]):
    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []

    async def on_start(self, context, agent) -> None:
        self.events.append(("start", agent.name))

    async def on_end(self, context, agent, output) -> None:
        self.events.append(("end", agent.name, output))

    async def on_handoff(self, context, agent, source) -> None:
        self.events.append(("handoff", agent.name, source.name))

    async def on_tool_start(self, context, agent, tool) -> None:
        self.events.append(("tool_start", tool.name))

    async def on_tool_end(self, context, agent, tool, result) -> None:
        self.events.append(("tool_end", tool.name, result))

    async def on_llm_start(self, context, agent, system_prompt, input_items) -> None:
        self.events.append(("llm_start", agent.name))

    async def on_llm_end(self, context, agent, response) -> None:
        self.events.append(("llm_end", agent.name))


def _agents(
    front_hooks: AgentHooks[Any] | None = None, desk_hooks: AgentHooks[Any] | None = None
) -> Agent[Any]:
    desk = Agent(
        name="desk",
        instructions="Answer.",
        hooks=desk_hooks,
        model=ScriptedModel(lambda request: "done"),
    )
    return Agent(
        name="front",
        instructions="Route.",
        tools=[lookup],
        handoffs=[desk],
        hooks=front_hooks,
        model=ScriptedModel(
            [
                [function_call("lookup", {"city": "Oslo"}, call_id="t1")],
                [function_call("transfer_to_desk", {}, call_id="h1")],
            ]
        ),
    )


async def test_run_hooks_hear_every_event_in_the_reference_order(harness_for):
    hooks = RecordingRunHooks()
    async with harness_for(AgentRegistry([_agents()], hooks=hooks)) as h:
        result = await h.run("front", "weather?")
    assert result.final_output == "done"
    assert hooks.events == [
        ("agent_start", "front", 1),
        ("llm_start", "front", "Route.", 1),
        ("llm_end", "front", 1),
        ("tool_start", "front", "lookup", "t1"),
        ("tool_end", "front", "lookup", "sunny in Oslo"),
        ("llm_start", "front", "Route.", 3),
        ("llm_end", "front", 1),
        ("handoff", "front", "desk"),
        ("agent_start", "desk", 1),
        ("llm_start", "desk", "Answer.", 1),
        ("llm_end", "desk", 1),
        # The end hooks see the run's usage so far: three model calls.
        ("agent_end", "desk", "done", 3),
    ]


async def test_agent_hooks_hear_their_own_agents_events(harness_for):
    front, desk = RecordingAgentHooks(), RecordingAgentHooks()
    async with harness_for(AgentRegistry([_agents(front, desk)])) as h:
        await h.run("front", "weather?")
    assert front.events == [
        ("start", "front"),
        ("llm_start", "front"),
        ("llm_end", "front"),
        ("tool_start", "lookup"),
        ("tool_end", "lookup", "sunny in Oslo"),
        ("llm_start", "front"),
        ("llm_end", "front"),
        # The reference (0.6.8) calls the handing-off agent's hooks: agent=target, source=self.
        ("handoff", "desk", "front"),
    ]
    assert desk.events == [
        ("start", "desk"),
        ("llm_start", "desk"),
        ("llm_end", "desk"),
        ("end", "desk", "done"),
    ]


class Forecast(BaseModel):
    city: str
    sky: str


async def test_end_hooks_get_the_typed_final_output(harness_for):
    hooks = RecordingRunHooks()
    agent = Agent(
        name="typed",
        output_type=Forecast,
        model=ScriptedModel(['{"city": "Oslo", "sky": "clear"}']),
    )
    async with harness_for(AgentRegistry([agent], hooks=hooks)) as h:
        await h.run("typed", "forecast")
    [end] = [e for e in hooks.events if e[0] == "agent_end"]
    assert end[2] == Forecast(city="Oslo", sky="clear")


class FailingHooks(RunHooks[Any]):
    async def on_tool_start(self, context, agent, tool) -> None:
        raise RuntimeError("audit log is down")


async def test_a_hook_that_raises_fails_the_run_clearly(harness_for):
    """A tool hook's error is the tool's, as in the reference (see test_bad_input)."""
    async with harness_for(AgentRegistry([_agents()], hooks=FailingHooks())) as h:
        error = await h.run_failure("front", "weather?")
    assert error.type == "UserError"
    assert error.message == "Error running tool lookup: audit log is down"
    assert error.non_retryable


async def test_without_hooks_a_handoff_needs_no_activity(harness_for):
    async with harness_for(AgentRegistry([_agents()])) as h:
        handle = await h.start("front", "weather?")
        await handle.result()
        history = await handle.fetch_history()
    scheduled = [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in history.events
        if e.HasField("activity_task_scheduled_event_attributes")
    ]
    assert scheduled == [
        "agents.model_turn",
        "agents.call_tool",
        "agents.model_turn",
        "agents.model_turn",
    ]

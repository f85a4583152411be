"""Each `Runner` run serves the agent graph reachable from its starting agent, so agents that
share a name in one program (the SDK's message_filter example has two "Assistant"s) are fine
as long as one run never reaches both."""

from __future__ import annotations

import pytest

from durable_agents import Agent, Runner, UserError, handoff
from durable_agents.testing import ScriptedModel

pytestmark = pytest.mark.usefixtures("working_project")


async def test_two_agents_named_alike_in_separate_runs() -> None:
    first = Agent(name="Assistant", model=ScriptedModel(["first here"]))
    second = Agent(name="Assistant", instructions="Be second.", model=ScriptedModel(["second"]))
    assert (await Runner.run(first, "hi")).final_output == "first here"
    result = await Runner.run(second, "hi")
    assert result.final_output == "second" and result.last_agent is second


async def test_one_run_that_reaches_both_is_told_why_not() -> None:
    twin = Agent(name="Assistant", model=ScriptedModel(["a"]))
    other = Agent(name="Assistant", model=ScriptedModel(["b"]))
    start = Agent(
        name="start",
        handoffs=[
            handoff(twin, tool_name_override="to_a"),
            handoff(other, tool_name_override="to_b"),
        ],
    )
    with pytest.raises(UserError, match="two different agents are named 'Assistant'"):
        await Runner.run(start, "hi")

"""What `Runner` hands back, as the reference does: a structured final output as the agent's
`output_type` (the run carries it as JSON), from `run` and `run_streamed` alike."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from durable_agents import Agent, Runner
from durable_agents.testing import ScriptedModel

pytestmark = pytest.mark.usefixtures("working_project")


class Weather(BaseModel):
    city: str
    celsius: int


async def test_a_structured_final_output_is_the_output_type() -> None:
    agent = Agent(
        name="forecaster",
        output_type=Weather,
        model=ScriptedModel(['{"city": "Rome", "celsius": 21}']),
    )
    result = await Runner.run(agent, "Weather in Rome?")
    assert result.final_output == Weather(city="Rome", celsius=21)
    assert result.final_output_as(Weather) is result.final_output

    streamed = Runner.run_streamed(agent, "Weather in Rome?")
    async for _ in streamed.stream_events():
        pass
    assert streamed.final_output == Weather(city="Rome", celsius=21)


async def test_a_wrapped_output_type_comes_back_as_that_type() -> None:
    agent = Agent(
        name="counter",
        output_type=list[int],
        model=ScriptedModel(['{"response": [1, 2, 3]}']),
    )
    result = await Runner.run(agent, "Count")
    assert result.final_output == [1, 2, 3]

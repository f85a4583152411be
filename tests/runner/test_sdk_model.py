"""An SDK program's own `Model` (the reference's interface: its arguments, openai output items
and stream events) as an agent's model under `Runner.run` and `Runner.run_streamed`."""

from __future__ import annotations

import json

import pytest
from openai.types.responses import ResponseCompletedEvent, ResponseTextDeltaEvent
from pydantic import BaseModel

from durable_agents import Agent, RunConfig, Runner, function_tool
from durable_agents.agent_output import AgentOutputSchemaBase
from durable_agents.handoffs import Handoff
from durable_agents.tool import FunctionTool
from tests.support.sdk_model import SdkFakeModel, text_message, tool_call

pytestmark = pytest.mark.usefixtures("working_project")


class Forecast(BaseModel):
    city: str
    celsius: int


@function_tool
def get_temperature(city: str) -> int:
    """The temperature in a city."""
    return 21


def agents(model: SdkFakeModel) -> Agent:
    forecaster = Agent(
        name="forecaster", instructions="Forecast.", output_type=Forecast, model=model
    )
    return Agent(
        name="front",
        instructions="Be brief.",
        tools=[get_temperature],
        handoffs=[forecaster],
        model=model,
    )


def script() -> list[list]:
    return [
        [tool_call("get_temperature", json.dumps({"city": "Rome"}), "c1")],
        [tool_call("transfer_to_forecaster", "{}", "h1")],
        [text_message('{"city": "Rome", "celsius": 21}')],
    ]


async def test_a_reference_style_model_drives_runner_run() -> None:
    model = SdkFakeModel(script())
    result = await Runner.run(agents(model), "Weather in Rome?")

    assert result.final_output == Forecast(city="Rome", celsius=21)
    assert result.last_agent.name == "forecaster"
    assert [item.type for item in result.new_items] == [
        "tool_call_item",
        "tool_call_output_item",
        "handoff_call_item",
        "handoff_output_item",
        "message_output_item",
    ]
    assert result.new_items[1].output == 21
    assert result.context_wrapper.usage.total_tokens == 15

    first, _, last = model.calls
    assert first["system_instructions"] == "Be brief."
    assert [(type(t), t.name) for t in first["tools"]] == [(FunctionTool, "get_temperature")]
    assert [(type(h), h.tool_name) for h in first["handoffs"]] == [
        (Handoff, "transfer_to_forecaster")
    ]
    assert last["system_instructions"] == "Forecast."
    assert isinstance(last["output_schema"], AgentOutputSchemaBase)
    assert last["output_schema"].validate_json('{"city": "Rome", "celsius": 1}') == Forecast(
        city="Rome", celsius=1
    )


async def test_a_reference_style_model_streams_its_openai_events() -> None:
    model = SdkFakeModel(
        [
            [tool_call("get_temperature", json.dumps({"city": "Rome"}), "c1")],
            [text_message("Sunny and warm")],
        ]
    )
    agent = Agent(name="front", tools=[get_temperature], model=model)

    result = Runner.run_streamed(agent, "Weather in Rome?")
    deltas, completed, items = [], [], []
    async for event in result.stream_events():
        if event.type == "raw_response_event":
            if isinstance(event.data, ResponseTextDeltaEvent):
                deltas.append(event.data.delta)
            elif isinstance(event.data, ResponseCompletedEvent):
                completed.append(event.data.response.id)
        elif event.type == "run_item_stream_event":
            items.append(event.item.type)

    assert result.final_output == "Sunny and warm"
    assert deltas == ["Sunny", "and", "warm"]
    assert completed == ["resp-789", "resp-789"]
    assert items == ["tool_call_item", "tool_call_output_item", "message_output_item"]
    assert [call.get("streamed") for call in model.calls] == [True, True]
    assert [t.name for t in model.calls[0]["tools"]] == ["get_temperature"]


async def test_a_reference_style_model_in_the_run_config_overrides_every_agent() -> None:
    model = SdkFakeModel(script())
    front = agents(SdkFakeModel([]))
    result = await Runner.run(front, "Weather in Rome?", run_config=RunConfig(model=model))

    assert result.final_output == Forecast(city="Rome", celsius=21)
    assert [call["system_instructions"] for call in model.calls] == [
        "Be brief.",
        "Be brief.",
        "Forecast.",
    ]

"""A `Model` written to the reference's interface drives a run on a worker: it gets the
reference's arguments (the turn's `FunctionTool`s and `Handoff`s, the agent's output schema) and
its openai output items become the run's items."""

from __future__ import annotations

import json

from pydantic import BaseModel

from durable_agents import Agent, AgentRegistry, ModelSettings, function_tool
from durable_agents.agent_output import AgentOutputSchemaBase
from durable_agents.handoffs import Handoff
from durable_agents.models.interface import ModelTracing
from durable_agents.tool import FunctionTool
from tests.support.sdk_model import SdkFakeModel, text_message, tool_call


class Forecast(BaseModel):
    city: str
    celsius: int


@function_tool
def get_temperature(city: str) -> int:
    """The temperature in a city."""
    return 21


async def test_a_reference_style_model_runs_tools_a_handoff_and_structured_output(harness_for):
    forecast = '{"city": "Rome", "celsius": 21}'
    model = SdkFakeModel(
        [
            [tool_call("get_temperature", json.dumps({"city": "Rome"}), "c1")],
            [tool_call("transfer_to_forecaster", "{}", "h1")],
            [text_message(forecast)],
        ]
    )
    forecaster = Agent(
        name="forecaster", instructions="Forecast.", output_type=Forecast, model=model
    )
    front = Agent(
        name="front",
        instructions="Be brief.",
        tools=[get_temperature],
        handoffs=[forecaster],
        model=model,
        model_settings=ModelSettings(temperature=0.5),
    )
    async with harness_for(AgentRegistry([front])) as h:
        result = await h.run("front", "Weather in Rome?")

    assert result.last_agent_name == "forecaster"
    assert result.final_output == {"city": "Rome", "celsius": 21}
    assert [item.type for item in result.new_items] == [
        "tool_call_item",
        "tool_call_output_item",
        "handoff_call_item",
        "handoff_output_item",
        "message_output_item",
    ]
    assert result.raw_responses[0].response_id == "resp-789"
    assert result.raw_responses[0].output[0]["call_id"] == "c1"

    first, second, third = model.calls
    assert first["system_instructions"] == "Be brief."
    assert first["input"] == [{"role": "user", "content": "Weather in Rome?"}]
    assert first["model_settings"].temperature == 0.5
    assert all(isinstance(t, FunctionTool) for t in first["tools"])
    assert [t.name for t in first["tools"]] == ["get_temperature"]
    assert all(isinstance(h, Handoff) for h in first["handoffs"])
    assert [h.tool_name for h in first["handoffs"]] == ["transfer_to_forecaster"]
    assert first["output_schema"] is None
    assert isinstance(first["tracing"], ModelTracing)
    assert first["previous_response_id"] is None and first["conversation_id"] is None
    assert first["prompt"] is None
    # The tool's result reaches the next call as the reference's input item.
    assert second["input"][-1] == {"type": "function_call_output", "call_id": "c1", "output": "21"}

    assert third["system_instructions"] == "Forecast."
    assert third["tools"] == [] and third["handoffs"] == []
    schema = third["output_schema"]
    assert isinstance(schema, AgentOutputSchemaBase)
    assert schema.validate_json(forecast) == Forecast(city="Rome", celsius=21)

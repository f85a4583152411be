"""Structured output, tool_use_behavior, reset_tool_choice, max_turns and usage."""

from __future__ import annotations

from pydantic import BaseModel

from durable_agents import (
    Agent,
    AgentRegistry,
    FunctionTool,
    ModelSettings,
    RunContextWrapper,
    ToolsToFinalOutputResult,
    function_tool,
)
from durable_agents.items import function_call
from durable_agents.models import ModelResponse
from durable_agents.testing import ScriptedModel
from durable_agents.usage import InputTokensDetails, OutputTokensDetails, Usage


class Weather(BaseModel):
    city: str
    temperature_c: float


@function_tool
def lookup(city: str) -> str:
    """Look a city up."""
    return f"{city}: 21C"


@function_tool
def other(x: int) -> int:
    """Double x."""
    return x * 2


async def test_structured_output_is_validated_and_typed(harness_for):
    model = ScriptedModel(['{"city": "Oslo", "temperature_c": 21.5}'])
    agent = Agent(name="weather", output_type=Weather, model=model)
    async with harness_for(AgentRegistry([agent])) as h:
        result = await h.run("weather", "Weather in Oslo?")
    assert result.final_output == {"city": "Oslo", "temperature_c": 21.5}
    assert result.final_output_as(Weather) == Weather(city="Oslo", temperature_c=21.5)
    request = model.requests[-1]
    assert request.output_schema is not None
    assert request.output_schema.json_schema["additionalProperties"] is False


async def test_structured_output_that_does_not_validate_fails_with_model_behavior_error(
    harness_for,
):
    agent = Agent(name="weather", output_type=Weather, model=ScriptedModel(['{"city": 3}']))
    async with harness_for(AgentRegistry([agent])) as h:
        error = await h.run_failure("weather", "Weather in Oslo?")
    assert error.type == "ModelBehaviorError"


async def test_structured_output_agent_runs_again_when_the_model_gives_no_text(harness_for):
    model = ScriptedModel([[], '{"city": "Oslo", "temperature_c": 1}'])
    agent = Agent(name="weather", output_type=Weather, model=model)
    async with harness_for(AgentRegistry([agent])) as h:
        result = await h.run("weather", "Weather?")
    assert result.current_turn == 2 and result.final_output["city"] == "Oslo"


def _tool_then_text(*tool_calls):
    return ScriptedModel([list(tool_calls), "model answered"])


async def test_run_llm_again_is_the_default(harness_for):
    agent = Agent(
        name="a",
        tools=[lookup],
        model=_tool_then_text(function_call("lookup", {"city": "Rome"}, call_id="c1")),
    )
    async with harness_for(AgentRegistry([agent])) as h:
        result = await h.run("a", "go")
    assert result.final_output == "model answered" and result.current_turn == 2


async def test_stop_on_first_tool_uses_the_first_tool_output(harness_for):
    agent = Agent(
        name="a",
        tools=[lookup, other],
        tool_use_behavior="stop_on_first_tool",
        model=_tool_then_text(
            function_call("lookup", {"city": "Rome"}, call_id="c1"),
            function_call("other", {"x": 2}, call_id="c2"),
        ),
    )
    async with harness_for(AgentRegistry([agent])) as h:
        result = await h.run("a", "go")
    assert result.final_output == "Rome: 21C" and result.current_turn == 1


async def test_stop_at_tools_stops_only_on_named_tools(harness_for):
    model = ScriptedModel(
        [
            [function_call("lookup", {"city": "Rome"}, call_id="c1")],
            [function_call("other", {"x": 4}, call_id="c2")],
            "unreached",
        ]
    )
    agent = Agent(
        name="a",
        tools=[lookup, other],
        tool_use_behavior={"stop_at_tool_names": ["other"]},
        model=model,
    )
    async with harness_for(AgentRegistry([agent])) as h:
        result = await h.run("a", "go")
    assert result.final_output == "8" and result.current_turn == 2


async def test_custom_tool_use_behavior_runs_in_an_activity(harness_for):
    def decide(ctx: RunContextWrapper, results) -> ToolsToFinalOutputResult:
        assert ctx.context == {"user": "u1"}
        return ToolsToFinalOutputResult(
            is_final_output=True, final_output=f"custom:{results[0].tool_name}:{results[0].output}"
        )

    agent = Agent(
        name="a",
        tools=[lookup],
        tool_use_behavior=decide,
        model=_tool_then_text(function_call("lookup", {"city": "Rome"}, call_id="c1")),
    )
    async with harness_for(AgentRegistry([agent])) as h:
        result = await h.run("a", "go", context={"user": "u1"})
    assert result.final_output == "custom:lookup:Rome: 21C"


async def test_custom_tool_use_behavior_gets_the_reference_function_tool_results(harness_for):
    """Each result has the reference's `tool`, `output` and `run_item`."""

    def decide(ctx: RunContextWrapper, results) -> ToolsToFinalOutputResult:
        seen = [
            {
                "tool": r.tool.name,
                "is_function_tool": isinstance(r.tool, FunctionTool),
                "output": r.output,
                "item_type": r.run_item.type,
                "item_agent": r.run_item.agent_name,
                "raw_item": r.run_item.raw_item,
                "item_output": r.run_item.output,
            }
            for r in results
        ]
        return ToolsToFinalOutputResult(is_final_output=True, final_output=seen)

    agent = Agent(
        name="a",
        tools=[lookup, other],
        tool_use_behavior=decide,
        output_type=list,
        model=_tool_then_text(
            function_call("lookup", {"city": "Rome"}, call_id="c1"),
            function_call("other", {"x": 4}, call_id="c2"),
        ),
    )
    async with harness_for(AgentRegistry([agent])) as h:
        result = await h.run("a", "go")
    assert result.final_output == [
        {
            "tool": "lookup",
            "is_function_tool": True,
            "output": "Rome: 21C",
            "item_type": "tool_call_output_item",
            "item_agent": "a",
            "raw_item": {"type": "function_call_output", "call_id": "c1", "output": "Rome: 21C"},
            "item_output": "Rome: 21C",
        },
        {
            "tool": "other",
            "is_function_tool": True,
            "output": 8,
            "item_type": "tool_call_output_item",
            "item_agent": "a",
            "raw_item": {"type": "function_call_output", "call_id": "c2", "output": "8"},
            "item_output": 8,
        },
    ]
    outputs = [i.raw_item for i in result.new_items if i.type == "tool_call_output_item"]
    assert outputs == [seen["raw_item"] for seen in result.final_output]


@function_tool
def weather(city: str) -> Weather:
    """The weather in a city, as a structured value."""
    return Weather(city=city, temperature_c=21.5)


async def test_custom_tool_use_behavior_sees_the_tool_output_text_the_run_recorded(harness_for):
    """A tool returning a pydantic model: its text is the model's own JSON, and the behaviour's
    `run_item` carries that text, not one rebuilt from the JSON value."""

    def decide(ctx: RunContextWrapper, results) -> ToolsToFinalOutputResult:
        item = results[0].run_item
        return ToolsToFinalOutputResult(
            is_final_output=True, final_output=[item.raw_item, item.output]
        )

    agent = Agent(
        name="a",
        tools=[weather],
        tool_use_behavior=decide,
        output_type=list,
        model=_tool_then_text(function_call("weather", {"city": "Oslo"}, call_id="c1")),
    )
    async with harness_for(AgentRegistry([agent])) as h:
        result = await h.run("a", "go")
    [recorded] = [i for i in result.new_items if i.type == "tool_call_output_item"]
    seen_raw_item, seen_output = result.final_output
    assert recorded.raw_item["output"] == '{"city":"Oslo","temperature_c":21.5}'
    assert seen_raw_item == recorded.raw_item
    assert seen_output == recorded.output == {"city": "Oslo", "temperature_c": 21.5}


async def test_reset_tool_choice_after_tool_use(harness_for):
    calls = [function_call("lookup", {"city": "Rome"}, call_id="c1")]
    for reset, expected in ((True, None), (False, "required")):
        model = ScriptedModel([calls, "done"])
        agent = Agent(
            name="a",
            tools=[lookup],
            model=model,
            model_settings=ModelSettings(tool_choice="required"),
            reset_tool_choice=reset,
        )
        async with harness_for(AgentRegistry([agent])) as h:
            await h.run("a", "go")
        assert model.requests[0].model_settings.tool_choice == "required"
        assert model.requests[1].model_settings.tool_choice == expected


async def test_max_turns_exceeded_carries_partial_run_data(harness_for):
    model = ScriptedModel(
        lambda req: [function_call("lookup", {"city": "Rome"}, call_id=f"c{req.call_context.turn}")]
    )
    agent = Agent(name="a", tools=[lookup], model=model)
    async with harness_for(AgentRegistry([agent])) as h:
        error = await h.run_failure("a", "loop", max_turns=3)
    assert error.type == "MaxTurnsExceeded"
    assert "Max turns (3) exceeded" in error.message
    partial = error.details[0]
    assert partial["current_turn"] == 4 or partial["current_turn"] == 3
    assert len(partial["raw_responses"]) == 3
    assert [i["type"] for i in partial["new_items"]].count("tool_call_output_item") == 3


async def test_usage_is_summed_with_per_request_entries(harness_for):
    def response(i: int) -> ModelResponse:
        output = [function_call("lookup", {"city": "X"}, call_id=f"c{i}")] if i == 0 else []
        return ModelResponse(
            output=output
            or [
                {
                    "type": "message",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": "ok"}],
                }
            ],
            usage=Usage(
                requests=1,
                input_tokens=100 + i,
                output_tokens=10,
                total_tokens=110 + i,
                input_tokens_details=InputTokensDetails(cached_tokens=5),
                output_tokens_details=OutputTokensDetails(reasoning_tokens=3),
            ),
        )

    agent = Agent(name="a", tools=[lookup], model=ScriptedModel([response(0), response(1)]))
    async with harness_for(AgentRegistry([agent])) as h:
        result = await h.run("a", "go")
    usage = result.usage
    assert (usage.requests, usage.input_tokens, usage.output_tokens, usage.total_tokens) == (
        2,
        201,
        20,
        221,
    )
    assert usage.input_tokens_details.cached_tokens == 10
    assert usage.output_tokens_details.reasoning_tokens == 6
    assert [e.input_tokens for e in usage.request_usage_entries] == [100, 101]

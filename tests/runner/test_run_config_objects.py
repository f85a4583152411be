"""`RunConfig`'s objects with `Runner` in the embedded default: a `Model`, a model provider, the
filters, the session input callback and guardrail objects, as the reference takes them; the
in-process worker uses them, the run carries names."""

from __future__ import annotations

from typing import Any

import pytest

from durable_agents import (
    Agent,
    GuardrailFunctionOutput,
    InputGuardrailTripwireTriggered,
    RunConfig,
    Runner,
    SQLiteSession,
    input_guardrail,
)
from durable_agents.handoffs import HandoffInputData
from durable_agents.items import function_call
from durable_agents.model_input import CallModelData, ModelInputData
from durable_agents.models import Model, ModelProvider
from durable_agents.testing import ScriptedModel

pytestmark = pytest.mark.usefixtures("working_project")


async def test_the_model_filters_and_guardrails_of_a_run_config_are_used() -> None:
    seen: dict[str, list[Any]] = {"guardrail": [], "handoff_filter": []}

    @input_guardrail
    def polite(ctx: Any, agent: Agent[Any], input: Any) -> GuardrailFunctionOutput:
        seen["guardrail"].append(input)
        return GuardrailFunctionOutput(tripwire_triggered="rude" in str(input))

    def mark(data: CallModelData[Any]) -> ModelInputData:
        return ModelInputData(data.model_data.input, f"filtered: {data.model_data.instructions}")

    def keep(data: HandoffInputData) -> HandoffInputData:
        seen["handoff_filter"].append(len(data.new_items))
        return data

    second = Agent(name="second", instructions="Answer.", model="no-such-model")
    first = Agent(name="first", instructions="Route.", model="no-such-model", handoffs=[second])
    model = ScriptedModel([[function_call("transfer_to_second", {}, call_id="h1")], "done"])
    config = RunConfig(
        model=model,
        call_model_input_filter=mark,
        handoff_input_filter=keep,
        input_guardrails=[polite],
    )

    result = await Runner.run(first, "hello", run_config=config)

    assert result.final_output == "done" and result.last_agent_name == "second"
    # Every agent's model overridden by the object; each call's input through the filter.
    assert [r.system_instructions for r in model.requests] == [
        "filtered: Route.",
        "filtered: Answer.",
    ]
    assert seen == {
        "guardrail": ["hello"],
        "handoff_filter": [2],
    }  # the handoff call and its output
    with pytest.raises(InputGuardrailTripwireTriggered):
        await Runner.run(first, "rude words", run_config=config)


async def test_a_run_config_model_provider_resolves_model_names() -> None:
    asked: list[str | None] = []

    class Provider(ModelProvider):
        def get_model(self, model_name: str | None) -> Model:
            asked.append(model_name)
            return ScriptedModel([f"from {model_name}"])

    agent = Agent(name="named", model="house-model")
    result = await Runner.run(agent, "hi", run_config=RunConfig(model_provider=Provider()))
    assert result.final_output == "from house-model"
    assert asked == ["house-model"]
    overridden = await Runner.run(
        agent, "hi", run_config=RunConfig(model="other", model_provider=Provider())
    )
    assert overridden.final_output == "from other"


async def test_a_run_config_session_input_callback_shapes_the_history() -> None:
    calls: list[tuple[int, int]] = []

    def last_only(history: list[Any], new: list[Any]) -> list[Any]:
        calls.append((len(history), len(new)))
        return history[-1:] + new

    model = ScriptedModel(lambda request: f"seen {len(request.input)}")
    agent = Agent(name="remembering", model=model)
    session = SQLiteSession("chat")
    config = RunConfig(session_input_callback=last_only)
    await Runner.run(
        agent, [{"role": "user", "content": "one"}], session=session, run_config=config
    )
    second = await Runner.run(
        agent, [{"role": "user", "content": "two"}], session=session, run_config=config
    )
    assert calls == [(0, 1), (2, 1)]
    assert second.final_output == "seen 2"  # the last history item and the new input

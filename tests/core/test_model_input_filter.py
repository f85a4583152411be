"""`call_model_input_filter` edits what each model call gets, not the run's conversation."""

from __future__ import annotations

from durable_agents import (
    Agent,
    AgentRegistry,
    CallModelData,
    ModelInputData,
    function_tool,
)
from durable_agents.items import function_call
from durable_agents.testing import ScriptedModel

seen_contexts: list[object] = []


@function_tool
def step(n: int) -> str:
    """One step."""
    return f"step {n}"


def last_two(data: CallModelData) -> ModelInputData:
    seen_contexts.append((data.agent.name, data.context))
    return ModelInputData(
        input=data.model_data.input[-2:],
        instructions=f"{data.model_data.instructions} (trimmed)",
    )


def _agent() -> tuple[Agent, ScriptedModel]:
    def script(request):
        turn = request.call_context.turn
        return [function_call("step", {"n": turn}, call_id=f"c{turn}")] if turn < 3 else "ok"

    model = ScriptedModel(script)
    return Agent(name="a", instructions="Work.", tools=[step], model=model), model


async def test_each_model_call_gets_the_filtered_input(harness_for):
    agent, model = _agent()
    seen_contexts.clear()
    registry = AgentRegistry([agent], call_model_input_filter=last_two)
    async with harness_for(registry) as h:
        result = await h.run("a", "go", context={"user": "u1"})
    assert result.final_output == "ok"
    assert [r.system_instructions for r in model.requests] == ["Work. (trimmed)"] * 3
    assert model.requests[0].input == [{"role": "user", "content": "go"}]
    # The filter trims each call; the run's conversation keeps growing underneath.
    assert model.requests[2].input == [
        function_call("step", {"n": 2}, call_id="c2"),
        {"type": "function_call_output", "call_id": "c2", "output": "step 2"},
    ]
    assert len(result.to_input_list()) == 1 + 2 * 2 + 1
    assert seen_contexts == [("a", {"user": "u1"})] * 3


async def test_a_filter_that_returns_something_else_fails_the_run(harness_for):
    agent, _ = _agent()
    registry = AgentRegistry([agent], call_model_input_filter=lambda data: data.model_data.input)
    async with harness_for(registry) as h:
        error = await h.run_failure("a", "go")
    assert error.type == "UserError"
    assert "must return a ModelInputData" in error.message

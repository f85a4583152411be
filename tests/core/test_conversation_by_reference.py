"""Model activities take the conversation by reference, so history stays flat per turn."""

from __future__ import annotations

import json

from activities.conversation_cache import ConversationCache
from durable_agents import Agent, AgentRegistry, function_tool
from durable_agents.items import function_call
from durable_agents.testing import ScriptedModel

TURNS = 40


@function_tool
def step(n: int) -> str:
    """One step of work."""
    return f"step {n} done"


def _model() -> ScriptedModel:
    def script(request):
        turn = request.call_context.turn
        if turn < TURNS:
            return [function_call("step", {"n": turn}, call_id=f"c{turn}")]
        return "finished"

    return ScriptedModel(script)


def _expected_conversation(turn: int) -> list[dict]:
    items: list[dict] = [{"role": "user", "content": "go"}]
    for n in range(1, turn):
        items.append(function_call("step", {"n": n}, call_id=f"c{n}"))
        items.append(
            {"type": "function_call_output", "call_id": f"c{n}", "output": f"step {n} done"}
        )
    return items


async def _model_activity_input_sizes(handle) -> list[int]:
    history = await handle.fetch_history()
    sizes = []
    for event in history.events:
        attrs = event.activity_task_scheduled_event_attributes
        if attrs.activity_type.name == "agents.model_turn":
            sizes.append(sum(len(p.data) for p in attrs.input.payloads))
    return sizes


async def test_model_input_is_rebuilt_from_the_cache_and_history_stays_flat(harness_for):
    model = _model()
    agent = Agent(name="a", tools=[step], model=model)
    async with harness_for(AgentRegistry([agent])) as h:
        handle = await h.start("a", "go", max_turns=TURNS + 1)
        result = await handle.result()
        sizes = await _model_activity_input_sizes(handle)
    assert result.final_output == "finished"
    for request in model.requests[-3:]:
        assert request.input == _expected_conversation(request.call_context.turn)
    # Turn 40 sends as many bytes to the model activity as turn 5 (only the new items).
    assert len(sizes) == TURNS
    assert sizes[-1] <= sizes[4] * 1.1, sizes


async def test_a_worker_without_the_conversation_fetches_it_from_the_run(harness_for):
    model = _model()
    agent = Agent(name="a", tools=[step], model=model)
    no_cache = ConversationCache(max_conversations=0)
    async with harness_for(AgentRegistry([agent]), conversation_cache=no_cache) as h:
        result = await h.run("a", "go", max_turns=TURNS + 1)
    assert result.final_output == "finished"
    assert len(no_cache) == 0
    for request in model.requests:
        assert request.input == _expected_conversation(request.call_context.turn)
    assert json.dumps(model.requests[-1].input) == json.dumps(_expected_conversation(TURNS))


async def test_continue_as_new_keeps_the_run_going_under_one_run_id(harness_for):
    model = _model()
    agent = Agent(name="a", tools=[step], model=model)
    async with harness_for(AgentRegistry([agent])) as h:
        handle = await h.start("a", "go", max_turns=TURNS + 1, continue_as_new_after_turns=7)
        result = await handle.result()
        progress = await handle.query("progress")
    assert result.final_output == "finished"
    assert result.current_turn == TURNS
    assert progress["continued_runs"] == (TURNS - 1) // 7
    assert len(result.raw_responses) == TURNS
    assert [i.type for i in result.new_items].count("tool_call_output_item") == TURNS - 1
    for request in model.requests[-3:]:
        assert request.input == _expected_conversation(request.call_context.turn)

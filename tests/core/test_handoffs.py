"""Handoff features: input_type with on_handoff, input filters, is_enabled, several handoffs."""

from __future__ import annotations

from pydantic import BaseModel

from durable_agents import (
    Agent,
    AgentRegistry,
    HandoffInputData,
    RunConfig,
    RunContextWrapper,
    handoff,
)
from durable_agents.items import function_call
from durable_agents.testing import ScriptedModel

seen: list[object] = []


class Escalation(BaseModel):
    reason: str


def on_escalate(ctx: RunContextWrapper, data: Escalation) -> None:
    seen.append((ctx.context, data.reason))


def keep_only_user_messages(data: HandoffInputData) -> HandoffInputData:
    history = data.input_history if isinstance(data.input_history, tuple) else ()
    return data.clone(
        input_history=tuple(i for i in history if i.get("role") == "user"),
        pre_handoff_items=(),
        new_items=(),
    )


async def test_handoff_with_input_type_runs_on_handoff_in_an_activity(harness_for):
    seen.clear()
    manager = Agent(name="manager", model=ScriptedModel(lambda r: "manager here"))
    front = Agent(
        name="front",
        handoffs=[
            handoff(
                manager,
                on_handoff=on_escalate,
                input_type=Escalation,
                tool_name_override="escalate",
            )
        ],
        model=ScriptedModel([[function_call("escalate", {"reason": "angry"}, call_id="h1")]]),
    )
    async with harness_for(AgentRegistry([front])) as h:
        result = await h.run("front", "help", context={"tenant": "t1"})
    assert result.last_agent_name == "manager" and result.final_output == "manager here"
    assert seen == [({"tenant": "t1"}, "angry")]


async def test_handoff_with_invalid_input_is_a_model_behavior_error(harness_for):
    manager = Agent(name="manager", model=ScriptedModel(["x"]))
    front = Agent(
        name="front",
        handoffs=[handoff(manager, on_handoff=on_escalate, input_type=Escalation)],
        model=ScriptedModel([[function_call("transfer_to_manager", {"wrong": 1}, call_id="h1")]]),
    )
    async with harness_for(AgentRegistry([front])) as h:
        error = await h.run_failure("front", "help")
    assert error.type == "ModelBehaviorError"


async def test_input_filter_shapes_what_the_next_agent_sees(harness_for):
    target_model = ScriptedModel(lambda r: "filtered")
    target = Agent(name="target", model=target_model)
    source = Agent(
        name="source",
        handoffs=[handoff(target, input_filter=keep_only_user_messages)],
        model=ScriptedModel([[function_call("transfer_to_target", {}, call_id="h1")]]),
    )
    async with harness_for(AgentRegistry([source])) as h:
        result = await h.run(
            "source", [{"role": "user", "content": "q1"}, {"role": "assistant", "content": "a1"}]
        )
    assert result.final_output == "filtered"
    assert target_model.requests[-1].input == [{"role": "user", "content": "q1"}]


async def test_without_nesting_the_next_agent_sees_the_raw_transcript(harness_for):
    target_model = ScriptedModel(lambda r: "raw")
    target = Agent(name="target", model=target_model)
    source = Agent(
        name="source",
        handoffs=[target],
        model=ScriptedModel([[function_call("transfer_to_target", {}, call_id="h1")]]),
    )
    async with harness_for(AgentRegistry([source])) as h:
        await h.run("source", "hello", run_config=RunConfig(nest_handoff_history=False))
    seen_input = target_model.requests[-1].input
    assert seen_input[0] == {"role": "user", "content": "hello"}
    assert (
        seen_input[1]["type"] == "function_call" and seen_input[2]["type"] == "function_call_output"
    )
    assert seen_input[2]["output"] == '{"assistant": "target"}'


async def test_first_of_several_handoffs_wins_and_others_get_an_error_output(harness_for):
    a = Agent(name="a_agent", model=ScriptedModel(lambda r: "from a"))
    b = Agent(name="b_agent", model=ScriptedModel(lambda r: "from b"))
    router = Agent(
        name="router",
        handoffs=[a, b],
        model=ScriptedModel(
            [
                [
                    function_call("transfer_to_b_agent", {}, call_id="h1"),
                    function_call("transfer_to_a_agent", {}, call_id="h2"),
                ]
            ]
        ),
    )
    async with harness_for(AgentRegistry([router])) as h:
        result = await h.run("router", "hi", run_config=RunConfig(nest_handoff_history=False))
    assert result.last_agent_name == "b_agent" and result.final_output == "from b"
    rejected = [i for i in result.new_items if i.type == "tool_call_output_item"]
    assert rejected[0].raw_item == {
        "type": "function_call_output",
        "call_id": "h2",
        "output": "Multiple handoffs detected, ignoring this one.",
    }


async def test_disabled_handoffs_are_hidden_and_dynamic_instructions_see_the_context(harness_for):
    hidden = Agent(name="hidden", model=ScriptedModel(["x"]))
    shown = Agent(name="shown", model=ScriptedModel(["x"]))
    model = ScriptedModel(["done"])
    agent = Agent(
        name="a",
        instructions=lambda ctx, agent: f"Serve {ctx.context['name']} as {agent.name}.",
        handoffs=[handoff(hidden, is_enabled=lambda ctx, agent: ctx.context["vip"]), shown],
        model=model,
    )
    async with harness_for(AgentRegistry([agent])) as h:
        await h.run("a", "hi", context={"name": "Ada", "vip": False})
    request = model.requests[-1]
    assert request.system_instructions == "Serve Ada as a."
    assert [t.name for t in request.handoffs] == ["transfer_to_shown"]


async def test_two_different_agents_with_one_name_are_refused():
    import pytest

    from durable_agents import UserError

    with pytest.raises(UserError, match="two different agents are named 'x'"):
        AgentRegistry([Agent(name="x"), Agent(name="y", handoffs=[Agent(name="x")])])

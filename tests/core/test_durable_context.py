"""The run's context is run state: what user code changes in one activity (a handoff callback,
a tool, dynamic instructions, a guardrail) the later ones see, typed as the registry's
`context_type`, and the result carries the final context."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from durable_agents import (
    Agent,
    AgentRegistry,
    GuardrailFunctionOutput,
    RunContextWrapper,
    function_tool,
    handoff,
    input_guardrail,
)
from durable_agents.items import function_call
from durable_agents.testing import ScriptedModel


class Airline(BaseModel):
    passenger: str
    flight_number: str | None = None
    seat: str | None = None


async def test_a_handoff_callback_sets_context_that_a_later_tool_reads(
    harness_for: Callable[..., Any],
) -> None:
    """The SDK's customer-service flow: the handoff callback finds the flight, the seat tool
    needs it."""
    seen: list[Any] = []

    def on_seat_booking_handoff(ctx: RunContextWrapper[Airline]) -> None:
        ctx.context.flight_number = f"FLT-{len(ctx.context.passenger)}"

    @function_tool
    def update_seat(ctx: RunContextWrapper[Airline], seat: str) -> str:
        """Moves the passenger to a seat."""
        seen.append(type(ctx.context))
        if ctx.context.flight_number is None:
            return "Flight number is required"
        ctx.context.seat = seat
        return f"{ctx.context.passenger} is in {seat} on {ctx.context.flight_number}"

    seat_booking = Agent(
        name="seat_booking",
        tools=[update_seat],
        # Scripts go by the run's turn: this agent answers turns 2 and 3.
        model=ScriptedModel(
            ["-", [function_call("update_seat", {"seat": "12A"}, call_id="s1")], "ok"]
        ),
    )
    triage = Agent(
        name="triage",
        handoffs=[handoff(seat_booking, on_handoff=on_seat_booking_handoff)],
        model=ScriptedModel([[function_call("transfer_to_seat_booking", {}, call_id="h1")]]),
    )
    registry = AgentRegistry([triage], context_type=Airline)
    async with harness_for(registry) as h:
        result = await h.run("triage", "Change my seat", context={"passenger": "Ada"})

    outputs = [i.raw_item["output"] for i in result.new_items if i.type == "tool_call_output_item"]
    assert outputs == ["Ada is in 12A on FLT-3"]
    assert seen == [Airline]  # rebuilt as the registry's type, with the handoff's change
    assert result.context == {"passenger": "Ada", "flight_number": "FLT-3", "seat": "12A"}


async def test_tools_of_one_turn_keep_each_change_in_model_order(
    harness_for: Callable[..., Any],
) -> None:
    @function_tool
    def mark(ctx: RunContextWrapper[dict[str, Any]], key: str, value: int) -> str:
        """Sets a key of the context."""
        ctx.context[key] = value
        ctx.context.pop("drop", None)
        return "set"

    calls = [
        function_call("mark", {"key": "a", "value": 1}, call_id="c1"),
        function_call("mark", {"key": "shared", "value": 1}, call_id="c2"),
        function_call("mark", {"key": "b", "value": 2}, call_id="c3"),
        function_call("mark", {"key": "shared", "value": 3}, call_id="c4"),
    ]
    agent = Agent(name="marker", tools=[mark], model=ScriptedModel([calls, "done"]))
    async with harness_for(AgentRegistry([agent])) as h:
        result = await h.run("marker", "go", context={"keep": True, "drop": 0})
    # Each tool set its own key; the later call in model order wins the shared one.
    assert result.context == {"keep": True, "a": 1, "shared": 3, "b": 2}


async def test_instructions_and_guardrails_change_what_later_calls_see(
    harness_for: Callable[..., Any],
) -> None:
    @input_guardrail(run_in_parallel=False)
    def count_checks(ctx: RunContextWrapper[dict[str, Any]], agent: Any, input: Any) -> Any:
        ctx.context["checked"] = ctx.context.get("checked", 0) + 1
        return GuardrailFunctionOutput(tripwire_triggered=False)

    def instructions(ctx: RunContextWrapper[dict[str, Any]], agent: Any) -> str:
        ctx.context["turns"] = ctx.context.get("turns", 0) + 1
        return f"turn {ctx.context['turns']}, checked {ctx.context.get('checked', 0)}"

    @function_tool
    def noop() -> str:
        """Nothing."""
        return "ok"

    model = ScriptedModel([[function_call("noop", {}, call_id="n1")], "done"])
    agent = Agent(
        name="counting",
        instructions=instructions,
        tools=[noop],
        input_guardrails=[count_checks],
        model=model,
    )
    async with harness_for(AgentRegistry([agent])) as h:
        result = await h.run("counting", "go", context={})
    # The blocking guardrail ran before the first model call; each turn saw the last count.
    assert [r.system_instructions for r in model.requests] == [
        "turn 1, checked 1",
        "turn 2, checked 1",
    ]
    assert result.context == {"checked": 1, "turns": 2}


async def test_a_context_no_code_changes_comes_back_as_given(
    harness_for: Callable[..., Any],
) -> None:
    agent = Agent(name="plain", model=ScriptedModel(["hi"]))
    async with harness_for(AgentRegistry([agent])) as h:
        result = await h.run("plain", "go", context={"user": "ada"})
    assert result.context == {"user": "ada"}

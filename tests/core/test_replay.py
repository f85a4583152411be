"""Recorded histories of full runs replay against today's workflow code.

Set RECORD_HISTORIES=1 to (re)record them; do that only for a change that is meant to be
incompatible, since old runs in production would fail the same way.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from activities.models.scripted import ScriptedModel
from durable_agents import (
    Agent,
    AgentRegistry,
    GuardrailFunctionOutput,
    function_tool,
    input_guardrail,
    output_guardrail,
)
from durable_agents.items import function_call
from workflows.agent_run import AgentRunWorkflow

HISTORIES = Path(__file__).parent.parent / "histories"


@function_tool
def lookup(order_id: str) -> str:
    """Look an order up."""
    return f"order {order_id}: shipped"


@input_guardrail
def polite(ctx, agent, input):
    return GuardrailFunctionOutput(output_info="ok", tripwire_triggered="rude" in str(input))


@output_guardrail
def short(ctx, agent, output):
    return GuardrailFunctionOutput(output_info=len(output), tripwire_triggered=len(output) > 200)


def _script(request):
    turn = request.call_context.turn
    if turn == 1:
        return [function_call("transfer_to_orders", {}, call_id="h1")]
    if turn in (2, 3):
        return [function_call("lookup", {"order_id": f"A{turn}"}, call_id=f"t{turn}")]
    return "Both orders shipped."


model = ScriptedModel(_script)
orders = Agent(name="orders", tools=[lookup], output_guardrails=[short], model=model)
triage = Agent(name="triage", handoffs=[orders], input_guardrails=[polite], model=model)
registry = AgentRegistry([triage])


async def _record(h, name: str, **kwargs) -> None:
    handle = await h.start(
        "triage", kwargs.pop("input", "where are my orders?"), run_id=f"history-{name}", **kwargs
    )
    if kwargs.get("max_turns") == 30:
        await handle.signal("cancel_after_turn")
    try:
        await handle.result()
    except Exception:
        pass
    history = await handle.fetch_history()
    (HISTORIES / f"{name}.json").write_text(history.to_json())


@pytest.mark.skipif(
    not os.environ.get("RECORD_HISTORIES"), reason="set RECORD_HISTORIES=1 to record"
)
async def test_record_histories(harness_for):
    async with harness_for(registry) as h:
        await _record(h, "tools_handoff_guardrails")
        await _record(h, "input_guardrail_tripped", input="you are rude")
        await _record(h, "cancel_after_turn", max_turns=30)
        await asyncio.sleep(0)


def _histories() -> list[Path]:
    return sorted(HISTORIES.glob("*.json"))


@pytest.mark.parametrize("path", _histories(), ids=lambda p: p.stem)
async def test_recorded_history_replays(path: Path):
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    replayer = Replayer(workflows=[AgentRunWorkflow], data_converter=pydantic_data_converter)
    await replayer.replay_workflow(history)


def test_histories_are_recorded():
    assert {p.stem for p in _histories()} >= {
        "tools_handoff_guardrails",
        "input_guardrail_tripped",
        "cancel_after_turn",
    }

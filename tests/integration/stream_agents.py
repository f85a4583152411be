"""Agents for the `stream` command's tests: a desk that looks an order up and hands off to billing,
and an agent whose tool waits for a gate file, so a test can see events before the run ends (its
replies stream in chunks when the run streams raw events)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from durable_agents import Agent, AgentRegistry, ModelRequest, ToolContext, function_tool
from durable_agents.items import function_call
from durable_agents.testing import ScriptedModel, ScriptedReply

from .agents import looper


@function_tool
def lookup(order: str) -> str:
    """Look an order up.

    Args:
        order: The order id.
    """
    return f"order {order}: 5.00 EUR"


@function_tool
def refund(order: str, amount: float) -> dict[str, Any]:
    """Refund an order."""
    return {"order": order, "refunded": amount}


@function_tool
async def wait_for_gate(ctx: ToolContext[Any]) -> str:
    """Waits until the file named by the context's `gate` exists."""
    gate = Path(ctx.context["gate"])
    while not gate.exists():  # noqa: ASYNC110 (another process's file)
        await asyncio.sleep(0.05)
    return "gate open"


def _desk(request: ModelRequest) -> ScriptedReply:
    turn = request.call_context.turn
    if turn == 1:
        return function_call("lookup", {"order": "A1"}, call_id="call_1")
    if turn == 2:
        return function_call("transfer_to_billing", {}, call_id="call_2")
    if turn == 3:
        return function_call("refund", {"order": "A1", "amount": 5.0}, call_id="call_3")
    return "Refunded A1."


def _gated(request: ModelRequest) -> ScriptedReply:
    if request.call_context.turn == 1:
        return function_call("wait_for_gate", {}, call_id="call_1")
    return "through the gate"


model = ScriptedModel(_desk)
billing = Agent(name="billing", tools=[refund], model=model)
desk = Agent(name="desk", tools=[lookup], handoffs=[billing], model=model)
gated = Agent(name="gated", tools=[wait_for_gate], model=ScriptedModel(_gated, stream_chunk_size=4))

registry = AgentRegistry([desk, gated, looper])

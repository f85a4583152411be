"""A multi-agent run with tools and a handoff, on a real Temporal dev server."""

from __future__ import annotations

import json

from durable_agents import Agent, AgentRegistry, ToolContext, function_tool
from durable_agents.items import function_call
from durable_agents.models import ModelRequest
from durable_agents.testing import ScriptedModel

calls: list[tuple[str, str]] = []


@function_tool
def get_weather(city: str) -> str:
    """Current weather for a city.

    Args:
        city: The city name.
    """
    calls.append(("get_weather", city))
    return f"sunny in {city}"


@function_tool
async def refund(ctx: ToolContext, order_id: str, amount: float) -> dict:
    """Refund an order."""
    calls.append(("refund", ctx.idempotency_key))
    return {"order_id": order_id, "refunded": amount}


def script(request: ModelRequest):
    turn = request.call_context.turn
    if turn == 1:
        return [function_call("transfer_to_billing", {}, call_id="h1")]
    if turn == 2:
        return [
            function_call("refund", {"order_id": "A1", "amount": 5.0}, call_id="t1"),
            function_call("get_weather", {"city": "Oslo"}, call_id="t2"),
        ]
    return "Refunded A1; weather is sunny."


# What the reference's runner (openai-agents 0.6.8) sends billing's first model call after the
# same handoff: the transcript nested into one message, byte for byte.
BILLING_SEES = (
    "For context, here is the conversation so far between the user and the previous agent:\n"
    "<CONVERSATION HISTORY>\n"
    "1. user: I want a refund for A1\n"
    '2. function_call: {"arguments": "{}", "call_id": "h1", "name": "transfer_to_billing", '
    '"id": "fc_h1", "status": "completed"}\n'
    '3. function_call_output: {"call_id": "h1", "output": "{\\"assistant\\": \\"billing\\"}"}\n'
    "</CONVERSATION HISTORY>"
)

model = ScriptedModel(script)
billing = Agent(
    name="billing", instructions="Handle billing.", tools=[refund, get_weather], model=model
)
triage = Agent(name="triage", instructions="Route.", handoffs=[billing], model=model)


async def test_handoff_then_parallel_tools_then_final(harness_for):
    calls.clear()
    async with harness_for(AgentRegistry([triage])) as h:
        handle = await h.start("triage", "I want a refund for A1", run_id="multi-agent-1")
        result = await handle.result()

    assert result.status == "completed"
    assert result.final_output == "Refunded A1; weather is sunny."
    assert result.last_agent_name == "billing"
    assert result.current_turn == 3
    assert sorted(c[0] for c in calls) == ["get_weather", "refund"]
    assert ("refund", "multi-agent-1:t1") in calls
    types = [i.type for i in result.new_items]
    assert types == [
        "handoff_call_item",
        "handoff_output_item",
        "tool_call_item",
        "tool_call_item",
        "tool_call_output_item",
        "tool_call_output_item",
        "message_output_item",
    ]
    outputs = {
        i.raw_item["call_id"]: i for i in result.new_items if i.type == "tool_call_output_item"
    }
    assert outputs["t1"].output == {"order_id": "A1", "refunded": 5.0}
    assert json.loads(outputs["t1"].raw_item["output"]) == {"order_id": "A1", "refunded": 5.0}
    assert outputs["t2"].raw_item["output"] == "sunny in Oslo"
    handoff_out = result.new_items[1]
    assert handoff_out.source_agent == "triage" and handoff_out.target_agent == "billing"
    # The billing agent saw the nested history summary, as the reference does by default.
    second = [r for r in model.requests if r.call_context.run_id == "multi-agent-1"][1]
    assert second.call_context.agent_name == "billing"
    assert second.input == [{"role": "assistant", "content": BILLING_SEES}]
    assert second.system_instructions == "Handle billing."
    assert {t.name for t in second.tools} == {"refund", "get_weather"}
    assert result.usage.requests == 3 and len(result.usage.request_usage_entries) == 3

"""The demo's agents, served by `python -m worker --registry examples.demo_agents:registry`.

A triage agent guards its input (no card numbers) and hands the conversation to a billing or a
weather specialist, each with function tools. With `OPENAI_API_KEY` set the agents use a real
model (`DEMO_MODEL`, default gpt-4.1-mini); without one, the scripted demo model plays them.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
from typing import Any

from durable_agents import (
    Agent,
    AgentRegistry,
    GuardrailFunctionOutput,
    Model,
    RunContextWrapper,
    ToolContext,
    function_tool,
    input_guardrail,
)

from .demo_model import demo_model

TOOL_SECONDS = 0.8
"""Simulated latency of the tools' back ends, so the progress stream has something to show."""

model: str | Model = (
    os.environ.get("DEMO_MODEL", "gpt-4.1-mini")
    if os.environ.get("OPENAI_API_KEY")
    else demo_model()
)

_CARD_NUMBER = re.compile(r"\b(?:\d[ -]?){13,19}\b")


@input_guardrail(run_in_parallel=False)
def no_card_numbers(
    ctx: RunContextWrapper[Any], agent: Agent[Any], input: str | list[Any]
) -> GuardrailFunctionOutput:
    """Card numbers must never reach a model or a log: stop the run before the first call."""
    text = input if isinstance(input, str) else str(input)
    found = bool(_CARD_NUMBER.search(text))
    return GuardrailFunctionOutput(
        output_info={"card_number_found": found}, tripwire_triggered=found
    )


@function_tool
async def get_weather(city: str) -> str:
    """Current weather for a city.

    Args:
        city: The city, e.g. Paris.
    """
    await asyncio.sleep(TOOL_SECONDS)
    forecasts = {"london": "12°C, light rain", "tokyo": "22°C, humid, showers later"}
    return forecasts.get(city.lower(), "18°C, sunny with a light breeze")


@function_tool
async def lookup_invoice(invoice_id: str) -> dict[str, Any]:
    """Look an invoice up in the billing system.

    Args:
        invoice_id: The invoice id, e.g. INV-1042.
    """
    await asyncio.sleep(TOOL_SECONDS)
    return {"invoice_id": invoice_id, "amount": 49.0, "currency": "EUR", "times_charged": 2}


@function_tool
async def issue_refund(ctx: ToolContext[Any], invoice_id: str, amount: float) -> str:
    """Refund an amount on an invoice. Safe to retry: the refund id comes from the idempotency
    key, so a retried call after a worker crash refunds once.

    Args:
        invoice_id: The invoice to refund.
        amount: The amount to refund, in the invoice's currency.
    """
    await asyncio.sleep(TOOL_SECONDS)
    refund_id = "RF-" + hashlib.sha256(ctx.idempotency_key.encode()).hexdigest()[:8].upper()
    return f"Refund {refund_id} of {amount:.2f} issued on {invoice_id}."


billing_agent = Agent(
    name="billing",
    handoff_description="Invoices, charges and refunds.",
    instructions="You handle billing. Look the invoice up before answering; refund duplicate "
    "charges. Answer in two sentences at most.",
    model=model,
    tools=[lookup_invoice, issue_refund],
)

weather_agent = Agent(
    name="weather",
    handoff_description="Weather and forecasts for a city.",
    instructions="You answer weather questions with get_weather. Answer in one sentence.",
    model=model,
    tools=[get_weather],
)

triage_agent = Agent(
    name="triage",
    instructions="Route the user to the right specialist with a handoff. Do not answer yourself.",
    model=model,
    handoffs=[billing_agent, weather_agent],
    input_guardrails=[no_card_numbers],
)

registry = AgentRegistry([triage_agent])

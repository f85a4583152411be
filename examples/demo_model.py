"""The demo's offline model: a pure function of the request, standing in for an LLM.

It reads the conversation it is given (never a counter in worker memory), so a retried or
replayed call after a worker restart gets the same answer, and it plays each demo agent's part:
triage hands off, specialists call their tools, then answer from the tool outputs.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from durable_agents.items import assistant_message, function_call
from durable_agents.models import ModelRequest, TResponseInputItem
from durable_agents.testing import ScriptedModel, ScriptedReply

THINKING_SECONDS = 0.6
"""A pause per call, so the demo's progress stream shows each step as it happens."""

CITIES = ("San Francisco", "New York", "London", "Paris", "Berlin", "Tokyo")
WEATHER_WORDS = ("weather", "forecast", "rain", "umbrella", "sunny", "temperature")


def _text_of(item: TResponseInputItem) -> str:
    content = item.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""


def _conversation_text(request: ModelRequest) -> str:
    return "\n".join(_text_of(item) for item in request.input)


def _tool_outputs(request: ModelRequest) -> dict[str, list[Any]]:
    """Outputs seen so far, by tool name (outputs name their call; calls name their tool)."""
    names = {
        item["call_id"]: item["name"]
        for item in request.input
        if item.get("type") == "function_call"
    }
    outputs: dict[str, list[Any]] = {}
    for item in request.input:
        if item.get("type") == "function_call_output" and item.get("call_id") in names:
            try:
                value = json.loads(item["output"])
            except (TypeError, ValueError):
                value = item["output"]
            outputs.setdefault(names[item["call_id"]], []).append(value)
    return outputs


def _call(request: ModelRequest, tool: str, arguments: dict[str, Any]) -> ScriptedReply:
    ctx = request.call_context
    return function_call(tool, arguments, call_id=f"call_{ctx.agent_name}_{ctx.turn}")


def _triage(request: ModelRequest, text: str) -> ScriptedReply:
    wanted = "weather" if any(w in text.lower() for w in WEATHER_WORDS) else "billing"
    names = [h.name for h in request.handoffs]
    target = next((n for n in names if wanted in n), names[0] if names else None)
    if target is None:
        return assistant_message("I can only help with billing and weather questions.")
    return _call(request, target, {})


def _weather(request: ModelRequest, text: str) -> ScriptedReply:
    city = next((c for c in CITIES if c.lower() in text.lower()), "Paris")
    forecasts = _tool_outputs(request).get("get_weather")
    if not forecasts:
        return _call(request, "get_weather", {"city": city})
    forecast = forecasts[-1]
    umbrella = "Take an umbrella." if "rain" in str(forecast).lower() else "No umbrella needed."
    return assistant_message(f"Weather in {city}: {forecast}. {umbrella}")


def _billing(request: ModelRequest, text: str) -> ScriptedReply:
    match = re.search(r"INV-\d+", text, re.IGNORECASE)
    invoice_id = match.group(0).upper() if match else "INV-1042"
    outputs = _tool_outputs(request)
    if "lookup_invoice" not in outputs:
        return _call(request, "lookup_invoice", {"invoice_id": invoice_id})
    invoice = outputs["lookup_invoice"][-1]
    charged_twice = isinstance(invoice, dict) and invoice.get("times_charged", 1) > 1
    if charged_twice and "issue_refund" not in outputs:
        return _call(
            request, "issue_refund", {"invoice_id": invoice_id, "amount": invoice["amount"]}
        )
    if charged_twice:
        return assistant_message(
            f"You were charged twice for {invoice_id}. {outputs['issue_refund'][-1]}"
        )
    return assistant_message(f"{invoice_id} was charged once; nothing to refund.")


_AGENTS = {"triage": _triage, "weather": _weather, "billing": _billing}


async def demo_reply(request: ModelRequest) -> ScriptedReply:
    await asyncio.sleep(THINKING_SECONDS)
    play = _AGENTS.get(request.call_context.agent_name)
    if play is None:
        return assistant_message("(the demo model only knows the demo agents)")
    return play(request, _conversation_text(request))


def demo_model() -> ScriptedModel:
    return ScriptedModel(demo_reply)

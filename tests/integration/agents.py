"""Agents the CLI and worker-service tests run, with scripted models that are functions of the
request (so a run survives a worker restart and replays identically)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from durable_agents import (
    Agent,
    AgentRegistry,
    GuardrailFunctionOutput,
    ModelRequest,
    RunContextWrapper,
    ToolContext,
    function_tool,
    input_guardrail,
)
from durable_agents.items import assistant_message, function_call
from durable_agents.testing import ScriptedModel, ScriptedReply

SLOW_STEPS = 3
STEP_SECONDS = 1.5


def _last_user_text(request: ModelRequest) -> str:
    texts = [i["content"] for i in request.input if i.get("role") == "user"]
    return str(texts[-1]) if texts else ""


def _outputs(request: ModelRequest) -> int:
    return sum(1 for item in request.input if item.get("type") == "function_call_output")


def _call(request: ModelRequest, name: str, arguments: dict[str, Any]) -> ScriptedReply:
    return function_call(name, arguments, call_id=f"call_{request.call_context.turn}")


@function_tool
async def slow_step(ctx: ToolContext[Any], step: int) -> str:
    """One slow step; records its start and end in the context's marker file.

    Args:
        step: Which step this is.
    """
    marker = Path(ctx.context["marker"])
    with marker.open("a") as f:
        f.write(f"start {ctx.tool_call_id}\n")
    await asyncio.sleep(STEP_SECONDS)
    with marker.open("a") as f:
        f.write(f"end {ctx.tool_call_id}\n")
    return f"step {step} done"


@function_tool
def noop() -> str:
    """Does nothing, quickly."""
    return "ok"


def _slow(request: ModelRequest) -> ScriptedReply:
    done = _outputs(request)
    if done < SLOW_STEPS:
        return _call(request, "slow_step", {"step": done + 1})
    return assistant_message(f"done after {done} steps")


@input_guardrail
def no_forbidden_words(
    ctx: RunContextWrapper[Any], agent: Agent[Any], input: Any
) -> GuardrailFunctionOutput:
    return GuardrailFunctionOutput(tripwire_triggered="forbidden" in str(input))


echo = Agent(name="echo", model=ScriptedModel(lambda r: f"echo: {_last_user_text(r)}"))
slow = Agent(name="slow", model=ScriptedModel(_slow), tools=[slow_step])
looper = Agent(name="looper", model=ScriptedModel(lambda r: _call(r, "noop", {})), tools=[noop])
guarded = Agent(
    name="guarded",
    model=ScriptedModel(lambda r: "allowed"),
    input_guardrails=[no_forbidden_words],
)

registry = AgentRegistry([echo, slow, looper, guarded])
not_a_registry = [echo]

"""Agents the durability tests run in worker subprocesses (`--registry
tests.durability.agents:registry`), instrumented so the test process can see what every worker
process did, and can stop a worker at an exact point of a run.

- `DURABILITY_LOG`: an append-only JSONL file. Every model call and tool call appends a `start`
  and an `end` record (kind, phase, run id, turn, call id, idempotency key, attempt, pid).
- `DURABILITY_HOLD_DIR`: a directory of marker files, named by `marker_name`:
  - `<run id>.model.<turn>` / `<run id>.tool.<turn>`: the call records its start, then blocks
    (heartbeating) while the marker exists, so the test can SIGKILL the worker mid-call;
  - `<run id>.tool.<turn>.then-die`: the tool completes normally, then the worker process SIGKILLs
    itself at the next model or tool call it receives, before running any of it: a crash at the
    boundary between two turns, after the first is recorded and before the second begins.

The scripted model is a function of the request (turn and conversation), never of worker memory,
so a retried or replayed call on another worker gets the same answer. `stepper` takes the number
of tool steps as its input (`"4"`), calls `record_step` once per turn, then answers with the tool
outputs it sees in the conversation (`"done: s1 s2 s3 s4"`), which shows that a fresh worker
rebuilt the whole conversation. `counter` does the same without any recording, for long runs.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
from pathlib import Path
from typing import Any

from temporalio import activity

from durable_agents import (
    Agent,
    AgentRegistry,
    ModelRequest,
    ModelResponse,
    ToolContext,
    function_tool,
)
from durable_agents.items import assistant_message, function_call
from durable_agents.testing import ScriptedModel
from durable_agents.usage import Usage

LOG_ENV = "DURABILITY_LOG"
HOLD_DIR_ENV = "DURABILITY_HOLD_DIR"
THEN_DIE = "then-die"

_doomed = False
"""Set in a worker told to die at the next call it receives."""


def marker_name(run_id: str, kind: str, turn: int, suffix: str | None = None) -> str:
    name = f"{run_id}.{kind}.{turn}"
    return f"{name}.{suffix}" if suffix else name


def _marker(run_id: str, kind: str, turn: int, suffix: str | None = None) -> Path | None:
    hold_dir = os.environ.get(HOLD_DIR_ENV)
    if not hold_dir:
        return None
    return Path(hold_dir) / marker_name(run_id, kind, turn, suffix)


def record(**fields: Any) -> None:
    """One JSON line, written with a single append so concurrent processes never interleave."""
    path = os.environ.get(LOG_ENV)
    if not path:
        return
    try:
        attempt = activity.info().attempt
    except RuntimeError:
        attempt = None
    line = json.dumps({**fields, "attempt": attempt, "pid": os.getpid()}) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def read_log(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _die_if_doomed(kind: str, run_id: str, turn: int) -> None:
    """A worker told to die does so on entering its next call, before running any of it."""
    if _doomed:
        record(kind="crash", phase="sigkill", run_id=run_id, turn=turn, entering=kind)
        os.kill(os.getpid(), signal.SIGKILL)


async def _hold(kind: str, run_id: str, turn: int) -> None:
    """Blocks while the test's marker exists (the activity keeps heartbeating meanwhile)."""
    marker = _marker(run_id, kind, turn)
    while marker is not None and marker.exists():  # noqa: ASYNC110 (another process's file)
        await asyncio.sleep(0.05)


def _steps(request: ModelRequest) -> int:
    texts = [i["content"] for i in request.input if i.get("role") == "user"]
    return int(texts[0]) if texts else 0


def _tool_outputs(request: ModelRequest) -> list[str]:
    return [i["output"] for i in request.input if i.get("type") == "function_call_output"]


def _reply(request: ModelRequest) -> ModelResponse:
    turn = request.call_context.turn
    if turn <= _steps(request):
        output = [function_call("record_step", {"n": turn}, call_id=f"call_{turn}")]
    else:
        output = [assistant_message("done: " + " ".join(_tool_outputs(request)))]
    return ModelResponse(
        output=output,
        usage=Usage(requests=1, input_tokens=10, output_tokens=5, total_tokens=15),
        response_id=f"resp_{request.call_context.run_id}_{turn}",
    )


async def _recorded_model(request: ModelRequest) -> ModelResponse:
    ctx = request.call_context
    _die_if_doomed("model", ctx.run_id, ctx.turn)
    fields = {"kind": "model", "run_id": ctx.run_id, "turn": ctx.turn}
    record(phase="start", **fields)
    await _hold("model", ctx.run_id, ctx.turn)
    response = _reply(request)
    record(phase="end", **fields)
    return response


@function_tool
async def record_step(ctx: ToolContext[Any], n: int) -> str:
    """One step of work with a side effect the test can count.

    Args:
        n: The step number.
    """
    global _doomed
    _die_if_doomed("tool", ctx.run_id, ctx.turn)
    fields = {
        "kind": "tool",
        "run_id": ctx.run_id,
        "turn": ctx.turn,
        "call_id": ctx.tool_call_id,
        "key": ctx.idempotency_key,
    }
    record(phase="start", **fields)
    await _hold("tool", ctx.run_id, ctx.turn)
    if isinstance(ctx.context, dict) and ctx.context.get("tool_seconds"):
        await asyncio.sleep(ctx.context["tool_seconds"])
    record(phase="end", **fields)
    then_die = _marker(ctx.run_id, "tool", ctx.turn, THEN_DIE)
    if then_die is not None and then_die.exists():
        then_die.unlink()
        _doomed = True
    return f"s{n}"


@function_tool
def count(n: int) -> str:
    """Counts one step.

    Args:
        n: The step number.
    """
    return f"s{n}"


def _counter_reply(request: ModelRequest) -> ModelResponse:
    """Like `stepper`, but O(1) per turn: no scan of the (long) conversation."""
    turn = request.call_context.turn
    if turn <= _steps_from_first_item(request):
        output = [function_call("count", {"n": turn}, call_id=f"call_{turn}")]
    else:
        output = [assistant_message(f"counted {turn - 1}")]
    return ModelResponse(
        output=output,
        usage=Usage(requests=1, input_tokens=10, output_tokens=5, total_tokens=15),
        response_id=f"resp_{turn}",
    )


def _steps_from_first_item(request: ModelRequest) -> int:
    first = request.input[0] if request.input else {}
    return int(first.get("content", 0)) if first.get("role") == "user" else 0


stepper = Agent(name="stepper", model=ScriptedModel(_recorded_model), tools=[record_step])
counter = Agent(name="counter", model=ScriptedModel(_counter_reply), tools=[count])

registry = AgentRegistry([stepper, counter])

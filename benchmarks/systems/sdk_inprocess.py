"""The in-process baseline: the same agent on the OpenAI Agents SDK's own `Runner`, no durability.

Runs in the `sdk` peer venv (openai-agents 0.6.8). There is no history, so a run is timed by the
wall clock around `Runner.run`, and "worker CPU" is this process's CPU (it is the worker).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

from agents import (
    Agent,
    Runner,
    function_tool,
    set_default_openai_api,
    set_default_openai_client,
    set_tracing_disabled,
)
from openai import AsyncOpenAI

from benchmarks.common import (
    API_KEY,
    INSTRUCTIONS,
    MODEL_NAME,
    TOOL_DESCRIPTION,
    TOOL_NAME,
    base_parser,
    lookup_value,
    model_env,
    prompt,
    serve_commands,
)


@function_tool(name_override=TOOL_NAME, description_override=TOOL_DESCRIPTION)
async def lookup(n: int) -> str:
    return lookup_value(n)


AGENT = Agent(name="bench", instructions=INSTRUCTIONS, tools=[lookup], model=MODEL_NAME)


async def one_run(turns: int) -> int:
    result = await Runner.run(AGENT, prompt(turns), max_turns=turns + 5)
    return len(result.raw_responses)


async def run(cmd: dict[str, Any]) -> dict[str, Any]:
    start = time.perf_counter()
    model_turns = await one_run(cmd["turns"])
    span = time.perf_counter() - start
    return {
        "span": span,
        "model_turns": model_turns,
        "ms_per_model_turn": span * 1000 / model_turns,
    }


async def throughput(cmd: dict[str, Any]) -> dict[str, Any]:
    runs, turns = cmd["runs"], cmd["turns"]
    cpu, start = time.process_time(), time.perf_counter()
    model_turns = sum(await asyncio.gather(*(one_run(turns) for _ in range(runs))))
    cpu, span = time.process_time() - cpu, time.perf_counter() - start
    return {
        "runs": runs,
        "span": span,
        "wall": span,
        "runs_per_s": runs / span,
        "worker_cpu": cpu,
        "model_turns": model_turns,
        "cpu_per_model_turn": cpu / model_turns,
    }


def main(argv: Sequence[str]) -> None:
    args = base_parser(__doc__.splitlines()[0]).parse_args(argv)
    model_env(args.model_url)
    set_tracing_disabled(True)
    set_default_openai_api("responses")
    set_default_openai_client(AsyncOpenAI(base_url=args.model_url, api_key=API_KEY))
    if args.role == "worker":
        raise SystemExit("the in-process baseline has no worker")
    asyncio.run(
        serve_commands(
            {"run": run, "throughput": throughput}, ("openai-agents", "openai", "pydantic")
        )
    )

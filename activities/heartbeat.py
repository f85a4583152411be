"""Keeps an activity heartbeating while it awaits something slow (a model, a user tool).

Heartbeats are what let Temporal notice a dead worker within the heartbeat timeout; they are
sent from a side task, so a tool running in a thread does not stop them.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from temporalio import activity

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


async def _beat(every: float) -> None:
    while True:
        await asyncio.sleep(every)
        activity.heartbeat()


def heartbeating(fn: F) -> F:
    """Wraps an async activity so it heartbeats at a third of its heartbeat timeout."""

    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        timeout = activity.info().heartbeat_timeout
        if not timeout or timeout <= timedelta(0):
            return await fn(*args, **kwargs)
        beater = asyncio.create_task(_beat(timeout.total_seconds() / 3))
        try:
            return await fn(*args, **kwargs)
        finally:
            beater.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beater

    return wrapper  # type: ignore[return-value]

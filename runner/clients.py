"""One Temporal client per event loop and server, made on first use: a client belongs to the
loop it was made on, and `Runner.run_sync` and `asyncio.run` each bring loops of their own."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable

from temporalio.client import Client

_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, Client]] = (
    weakref.WeakKeyDictionary()
)


async def cached(key: str, make: Callable[[], Awaitable[Client]]) -> Client:
    """The running loop's client for `key`, made by `make` the first time."""
    made = _clients.setdefault(asyncio.get_running_loop(), {})
    if key not in made:
        made[key] = await make()
    return made[key]

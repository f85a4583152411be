"""One Temporal client per event loop and server, made on first use: a client belongs to the
loop it was made on, and `Runner.run_sync` and `asyncio.run` each bring loops of their own.

They share one Temporal runtime whose core (Rust) logs only its errors: it writes to stdout,
which is the program's, and its warnings (an activity that completes after its run was
cancelled...) are nothing the program needs to hear. They are not forwarded to Python
logging: the forwarding task reaches for the GIL from a Rust thread, which deadlocks a program
whose interpreter finalizes while the runtime is alive (the worker service avoids finalizing,
see `client.process_exit`; a user's program cannot be asked to)."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable

from temporalio.client import Client
from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter

_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, Client]] = (
    weakref.WeakKeyDictionary()
)


_runtime: Runtime | None = None


def runtime() -> Runtime:
    global _runtime
    if _runtime is None:
        _runtime = Runtime(
            telemetry=TelemetryConfig(
                logging=LoggingConfig(
                    filter=TelemetryFilter(core_level="ERROR", other_level="ERROR")
                )
            )
        )
    return _runtime


async def cached(key: str, make: Callable[[], Awaitable[Client]]) -> Client:
    """The running loop's client for `key`, made by `make` the first time."""
    made = _clients.setdefault(asyncio.get_running_loop(), {})
    if key not in made:
        made[key] = await make()
    return made[key]

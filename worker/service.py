"""The worker's life: connect, register search attributes, poll until SIGTERM/SIGINT, then shut
down gracefully so in-flight activities finish (within the grace period) instead of being lost.

Work that is cut off anyway is not lost either: an activity that does not finish in time is
cancelled and retried by the next worker, and workflow state lives on the server.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket

import structlog
from temporalio.client import Client
from temporalio.service import RPCError

from durable_agents.models import ModelProvider
from durable_agents.registry import AgentRegistry
from protocol.names import SEARCH_ATTRIBUTE_KEYS

from .build import build_worker
from .config import WorkerConfig
from .loading import StartupError
from .search_attributes import ensure_search_attributes
from .telemetry import build_runtime

log = structlog.get_logger("worker")

EXIT_FORCED = 130


async def _connect(config: WorkerConfig) -> Client:
    try:
        runtime = build_runtime(config.metrics_bind)
    except Exception as error:  # the core reports a busy port as a plain exception
        raise StartupError(
            f"cannot start the metrics endpoint on {config.metrics_bind}: {error}"
        ) from error
    target = config.connection.connect_kwargs()["target_host"]
    try:
        return await config.connection.connect(runtime=runtime)
    except Exception as error:
        raise StartupError(
            f"cannot connect to Temporal at {target}: {error}", exit_code=1
        ) from error


async def _register_search_attributes(client: Client) -> None:
    try:
        added = await ensure_search_attributes(client, SEARCH_ATTRIBUTE_KEYS)
    except RPCError as error:
        log.warning(
            "search attributes not registered; runs still work but cannot be filtered by them",
            reason=error.message,
            attributes=[key.name for key in SEARCH_ATTRIBUTE_KEYS],
        )
        return
    if added:
        log.info("search attributes registered", attributes=added)


def _install_signal_handlers(stop: asyncio.Event) -> None:
    """First signal: graceful shutdown. Second: the operator means it, exit at once."""
    loop = asyncio.get_running_loop()

    def on_signal(signum: int) -> None:
        if stop.is_set():
            log.warning(
                "second signal, exiting without waiting", signal=signal.Signals(signum).name
            )
            os._exit(EXIT_FORCED)
        log.info("shutdown requested", signal=signal.Signals(signum).name)
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, on_signal, signum)


async def serve(
    config: WorkerConfig, registry: AgentRegistry, model_provider: ModelProvider | None
) -> None:
    client = await _connect(config)
    await _register_search_attributes(client)
    worker = build_worker(
        client,
        registry,
        task_queue=config.task_queue,
        model_provider=model_provider,
        max_concurrent_activities=config.max_concurrent_activities,
        max_concurrent_workflow_tasks=config.max_concurrent_workflow_tasks,
        graceful_shutdown_timeout=config.shutdown_grace,
        identity=f"{os.getpid()}@{socket.gethostname()}",
    )
    stop = asyncio.Event()
    _install_signal_handlers(stop)
    running = asyncio.create_task(worker.run())
    stopping = asyncio.create_task(stop.wait())
    log.info(
        "worker started",
        address=client.service_client.config.target_host,
        namespace=client.namespace,
        task_queue=config.task_queue,
        agents=registry.agent_names(),
        metrics=f"http://{config.metrics_bind}/metrics" if config.metrics_bind else None,
    )
    await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if not running.done():
        log.info("draining in-flight work", grace_seconds=config.shutdown_grace.total_seconds())
        await worker.shutdown()
    stopping.cancel()
    await running  # re-raises a fatal worker error
    log.info("worker stopped")

"""Connected: with a Temporal cluster configured (`TEMPORAL_ADDRESS`, or the Temporal CLI's
profile), `Runner` starts runs by agent name on the configured task queue
(`TEMPORAL_TASK_QUEUE`), where long-lived workers (`python -m worker`) serve them with their
own definitions of the agents.

So only what crosses a process boundary can go: a context that serialises to JSON, agents
whose model is a name, no hooks object. Anything else is refused at start with a `UserError`
that says what to do, as is a task queue no worker polls: never a run that waits forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.envconfig import ClientConfig

from client import AgentClient
from connection.converter import data_converter
from connection.options import ConnectionOptions
from connection.settings import env_name, setting
from durable_agents.exceptions import UserError
from durable_agents.lifecycle import RunHooksBase
from durable_agents.models import Model
from durable_agents.registry import AgentRegistry
from durable_agents.run_config import RunConfig

from . import clients

IN_PROCESS_WORKER = "RUNNER_IN_PROCESS_WORKER"
"""`DURABLE_AGENTS_RUNNER_IN_PROCESS_WORKER=1`: on a configured cluster too, each run is served
by a worker in the program's process, as in the embedded default (live objects allowed)."""

POLLER_WAIT_SECONDS = 5.0


def configured(env: Mapping[str, str] | None = None) -> bool:
    """Whether a Temporal cluster is configured, the way the Temporal CLI would find one."""
    environ = dict(os.environ if env is None else env)
    return bool(
        ClientConfig.load_client_connect_config(override_env_vars=environ).get("target_host")
    )


def in_process_worker(env: Mapping[str, str] | None = None) -> bool:
    value = setting(os.environ if env is None else env, IN_PROCESS_WORKER)
    if value is None or value.lower() in ("0", "false", "no"):
        return False
    if value.lower() in ("1", "true", "yes"):
        return True
    raise UserError(f"{env_name(IN_PROCESS_WORKER)} must be 1 or 0, got {value!r}")


async def agent_client() -> AgentClient:
    return AgentClient(await cluster_client())


async def cluster_client() -> Client:
    options = ConnectionOptions()
    where = options.connect_kwargs()
    return await clients.cached(
        f"{where['target_host']}/{where['namespace']}",
        lambda: options.connect(runtime=clients.runtime()),
    )


def check_crossable(
    registry: AgentRegistry,
    *,
    context: Any,
    hooks: RunHooksBase[Any] | None,
    run_config: RunConfig | None,
) -> None:
    """What would not reach the cluster's workers: refused before anything starts."""
    there = "the run goes to the workers of the configured Temporal cluster"
    here = f"set {env_name(IN_PROCESS_WORKER)}=1 to serve the run in this process"
    for name in registry.agent_names():
        model = registry.get_agent(name).model
        if isinstance(model, Model):
            raise UserError(
                f"agent {name!r} has a Model object ({type(model).__name__}), which cannot "
                f"leave this process ({there}): give the model by name, which the worker's "
                f"model provider resolves, or {here}"
            )
    if run_config is not None and (objects := run_config.objects()):
        raise UserError(
            f"RunConfig {', '.join(objects)}: objects cannot leave this process ({there}): "
            f"give them to the worker and name them here, or {here}"
        )
    if hooks is not None:
        raise UserError(
            f"hooks objects cannot leave this process ({there}): give them to the worker's "
            f"AgentRegistry(hooks=...), or {here}"
        )
    try:
        data_converter().payload_converter.to_payloads([context])
    except Exception as error:
        raise UserError(
            f"the context ({type(context).__name__}) does not serialise to JSON ({error}), so "
            f"it cannot leave this process ({there}): pass a JSON-able value or a pydantic "
            f"model, or {here}"
        ) from None


async def check_served(agents: AgentClient) -> None:
    """A queue no worker polls would hold the run until one comes: say so instead. A worker
    that has just started shows a moment after its first poll, so it is given a few seconds."""
    client = agents.temporal_client
    request = DescribeTaskQueueRequest(
        namespace=client.namespace,
        task_queue=TaskQueue(name=agents.task_queue),
        task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    )
    deadline = time.monotonic() + POLLER_WAIT_SECONDS
    while not (await client.workflow_service.describe_task_queue(request)).pollers:
        if time.monotonic() > deadline:
            address = client.service_client.config.target_host
            raise UserError(
                f"no worker serves task queue {agents.task_queue!r} on {address} "
                "(start one with `python -m worker --registry module:registry`, or set "
                "TEMPORAL_TASK_QUEUE to the queue yours poll)"
            )
        await asyncio.sleep(0.2)


@contextlib.asynccontextmanager
async def reached(
    registry: AgentRegistry,
    *,
    context: Any,
    hooks: RunHooksBase[Any] | None,
    run_config: RunConfig | None,
) -> AsyncIterator[AgentClient]:
    """A client for runs on the cluster's workers, once what the run needs can reach them."""
    check_crossable(registry, context=context, hooks=hooks, run_config=run_config)
    agents = await agent_client()
    await check_served(agents)
    yield agents

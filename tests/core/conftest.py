"""Helpers for core run-loop tests: an in-process worker on a fresh task queue per test."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from temporalio.client import Client, WorkflowFailureError, WorkflowHandle
from temporalio.exceptions import ApplicationError

from durable_agents import AgentRegistry, RunResult
from durable_agents.models import ModelProvider
from protocol.run import RunInput
from worker.build import build_worker
from workflows.agent_run import AgentRunWorkflow


class Harness:
    def __init__(self, client: Client, task_queue: str) -> None:
        self.client = client
        self.task_queue = task_queue

    async def start(
        self, agent_name: str, input: Any, **kwargs: Any
    ) -> WorkflowHandle[Any, RunResult]:
        run_id = kwargs.pop("run_id", f"run-{uuid.uuid4()}")
        return await self.client.start_workflow(
            AgentRunWorkflow.run,
            RunInput(agent_name=agent_name, input=input, **kwargs),
            id=run_id,
            task_queue=self.task_queue,
        )

    async def run(self, agent_name: str, input: Any, **kwargs: Any) -> RunResult:
        handle = await self.start(agent_name, input, **kwargs)
        return await handle.result()

    async def run_failure(self, agent_name: str, input: Any, **kwargs: Any) -> ApplicationError:
        """Runs to a failure and returns its ApplicationError (type names the reference error)."""
        with pytest.raises(WorkflowFailureError) as info:
            await self.run(agent_name, input, **kwargs)
        cause = info.value.cause
        assert isinstance(cause, ApplicationError), cause
        return cause


@pytest.fixture
def harness_for(client: Client) -> Callable[..., Any]:
    @asynccontextmanager
    async def make(
        registry: AgentRegistry, model_provider: ModelProvider | None = None, **kwargs: Any
    ) -> AsyncIterator[Harness]:
        task_queue = f"tq-{uuid.uuid4()}"
        worker = build_worker(
            client, registry, task_queue=task_queue, model_provider=model_provider, **kwargs
        )
        async with worker:
            yield Harness(client, task_queue)

    return make

"""Builds a Temporal worker that runs agent workflows and their activities for a registry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker

from activities.context import WorkerDeps
from activities.conversation_cache import ConversationCache
from activities.families import all_activities
from connection.item_store import ItemStore
from durable_agents.models import ModelProvider
from durable_agents.registry import AgentRegistry
from protocol.names import DEFAULT_TASK_QUEUE
from workflows.agent_run import AgentRunWorkflow


def build_worker(
    client: Client,
    registry: AgentRegistry,
    *,
    task_queue: str = DEFAULT_TASK_QUEUE,
    model_provider: ModelProvider | None = None,
    max_concurrent_activities: int | None = None,
    max_concurrent_workflow_tasks: int | None = None,
    conversation_cache: ConversationCache | None = None,
    item_store: ItemStore | None = None,
    **worker_kwargs: Any,
) -> Worker:
    """The client must use the pydantic data converter, as every client of these runs does."""
    item_store = item_store or ItemStore.for_data_converter(client.data_converter)
    deps = WorkerDeps(registry, model_provider, conversation_cache, item_store)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[AgentRunWorkflow],
        activities=all_activities(deps),
        max_concurrent_activities=max_concurrent_activities,
        max_concurrent_workflow_tasks=max_concurrent_workflow_tasks,
        # After a deploy or crash, a run's next workflow task waits this long on the old
        # worker's sticky queue before any worker may take it (the SDK default is 10 s).
        sticky_queue_schedule_to_start_timeout=worker_kwargs.pop(
            "sticky_queue_schedule_to_start_timeout", timedelta(seconds=3)
        ),
        **worker_kwargs,
    )

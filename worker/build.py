"""Builds a Temporal worker that runs agent workflows and their activities for a registry."""

from __future__ import annotations

from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker

from activities.agent_activities import AgentActivities
from activities.conversation_cache import ConversationCache
from durable_agents.models import ModelProvider
from durable_agents.registry import AgentRegistry
from workflows.agent_run import AgentRunWorkflow

DEFAULT_TASK_QUEUE = "agents"


def build_worker(
    client: Client,
    registry: AgentRegistry,
    *,
    task_queue: str = DEFAULT_TASK_QUEUE,
    model_provider: ModelProvider | None = None,
    max_concurrent_activities: int | None = None,
    max_concurrent_workflow_tasks: int | None = None,
    conversation_cache: ConversationCache | None = None,
    **worker_kwargs: Any,
) -> Worker:
    """The client must use the pydantic data converter, as every client of these runs does."""
    activities = AgentActivities(registry, model_provider, conversation_cache)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[AgentRunWorkflow],
        activities=activities.all(),
        max_concurrent_activities=max_concurrent_activities,
        max_concurrent_workflow_tasks=max_concurrent_workflow_tasks,
        **worker_kwargs,
    )

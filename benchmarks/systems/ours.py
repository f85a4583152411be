"""Our orchestrator: the benchmark agent on `AgentRunWorkflow`, started with `AgentClient`."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from datetime import timedelta

import structlog
from temporalio.client import Client
from temporalio.worker import Worker

from activities.models.provider import MultiProvider
from benchmarks.common import (
    API_KEY,
    INSTRUCTIONS,
    MODEL_NAME,
    TOOL_DESCRIPTION,
    TOOL_NAME,
    lookup_value,
    prompt,
)
from benchmarks.temporal_system import TemporalSystem, run_system
from client import AgentClient
from connection.converter import data_converter
from durable_agents import Agent, AgentRegistry, function_tool
from worker.build import build_worker

SHUTDOWN_GRACE = timedelta(seconds=30)


@function_tool(name_override=TOOL_NAME, description_override=TOOL_DESCRIPTION)
async def lookup(n: int) -> str:
    return lookup_value(n)


AGENT = Agent(name="bench", instructions=INSTRUCTIONS, tools=[lookup], model=MODEL_NAME)
registry = AgentRegistry([AGENT])


class Ours(TemporalSystem):
    name = "ours"
    distributions = ("temporalio", "openai", "pydantic")

    def is_model(self, activity_type: str) -> bool:
        return activity_type == "agents.model_turn"

    async def connect(self, address: str) -> Client:
        return await Client.connect(address, data_converter=data_converter())

    def worker(self, client: Client, task_queue: str, identity: str | None) -> Worker:
        # As the worker service runs by default: info and up, so no per-call debug lines.
        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.INFO))
        provider = MultiProvider(
            env={"OPENAI_BASE_URL": os.environ["OPENAI_BASE_URL"], "OPENAI_API_KEY": API_KEY}
        )
        return build_worker(
            client,
            registry,
            task_queue=task_queue,
            model_provider=provider,
            graceful_shutdown_timeout=SHUTDOWN_GRACE,
            identity=identity,
        )

    async def start(self, client: Client, task_queue: str, workflow_id: str, turns: int) -> None:
        await AgentClient(client, task_queue=task_queue).start(
            AGENT.name, prompt(turns), run_id=workflow_id, max_turns=turns + 5
        )

    async def result(self, client: Client, workflow_id: str) -> None:
        await AgentClient(client).result(workflow_id)

    async def current_turn(self, client: Client, workflow_id: str) -> int:
        return (await AgentClient(client).progress(workflow_id)).current_turn


def main(argv: Sequence[str]) -> None:
    run_system(Ours(), argv)

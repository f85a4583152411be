"""Peer: the same agent on Pydantic AI's Temporal durability (`TemporalDurability`), in the
`pydantic-ai` venv. Model requests and the tool run as activities, as the capability does by
default; the model is the OpenAI Responses API model pointed at the scripted server.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import Worker

from benchmarks.common import API_KEY, INSTRUCTIONS, MODEL_NAME, TOOL_NAME, lookup_value, prompt
from benchmarks.temporal_system import TemporalSystem, run_system

with workflow.unsafe.imports_passed_through():
    from pydantic_ai import Agent
    from pydantic_ai.durable_exec.temporal import (
        PydanticAIPlugin,
        PydanticAIWorkflow,
        TemporalDurability,
    )
    from pydantic_ai.models.openai import OpenAIResponsesModel
    from pydantic_ai.providers.openai import OpenAIProvider
    from pydantic_ai.usage import UsageLimits

agent = Agent(
    OpenAIResponsesModel(
        MODEL_NAME,
        provider=OpenAIProvider(
            base_url=os.environ.get("OPENAI_BASE_URL", "http://127.0.0.1:9/v1"), api_key=API_KEY
        ),
    ),
    name="bench",
    instructions=INSTRUCTIONS,
    capabilities=[TemporalDurability()],
)


@agent.tool_plain(name=TOOL_NAME)
async def lookup(n: int) -> str:
    """Looks up the value stored under n."""
    return lookup_value(n)


@workflow.defn(name="PydanticAIBench")
class BenchWorkflow(PydanticAIWorkflow):
    __pydantic_ai_agents__ = [agent]

    @workflow.run
    async def run(self, text: str) -> str:
        result = await agent.run(text, usage_limits=UsageLimits(request_limit=None))
        return result.output


class PydanticAITemporal(TemporalSystem):
    name = "pydantic-ai-temporal"
    distributions = ("temporalio", "pydantic-ai-slim", "openai")

    def is_model(self, activity_type: str) -> bool:
        return "model" in activity_type.lower()

    async def connect(self, address: str) -> Client:
        return await Client.connect(address, plugins=[PydanticAIPlugin()])

    def worker(self, client: Client, task_queue: str, identity: str | None) -> Worker:
        return Worker(client, task_queue=task_queue, workflows=[BenchWorkflow], identity=identity)

    async def start(self, client: Client, task_queue: str, workflow_id: str, turns: int) -> None:
        await client.start_workflow(
            BenchWorkflow.run, prompt(turns), id=workflow_id, task_queue=task_queue
        )


def main(argv: Sequence[str]) -> None:
    run_system(PydanticAITemporal(), argv)

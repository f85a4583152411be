"""Peer: the same agent on Temporal's OpenAI Agents integration (`temporalio.openai_agents`,
package `temporalio-openai-agents`), in the `openai-agents-temporal` venv.

The model call is the plugin's model activity; the tool is a Temporal activity through
`activity_as_tool`, as our tools are, so both make the same round trips. Defaults otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import Worker

from benchmarks.common import INSTRUCTIONS, MODEL_NAME, TOOL_NAME, lookup_value, prompt
from benchmarks.temporal_system import TemporalSystem, run_system

with workflow.unsafe.imports_passed_through():
    from agents import Agent, Runner
    from temporalio.openai_agents import ModelActivityParameters, OpenAIAgentsPlugin
    from temporalio.openai_agents import workflow as agents_workflow

TIMEOUT = timedelta(seconds=60)


@activity.defn(name=TOOL_NAME)
async def lookup(n: int) -> str:
    """Looks up the value stored under n."""
    return lookup_value(n)


@dataclass
class BenchInput:
    prompt: str
    max_turns: int


@workflow.defn(name="OpenAIAgentsBench")
class BenchWorkflow:
    @workflow.run
    async def run(self, inp: BenchInput) -> str:
        agent = Agent(
            name="bench",
            instructions=INSTRUCTIONS,
            model=MODEL_NAME,
            tools=[agents_workflow.activity_as_tool(lookup, start_to_close_timeout=TIMEOUT)],
        )
        result = await Runner.run(agent, inp.prompt, max_turns=inp.max_turns)
        return str(result.final_output)


class OpenAIAgentsTemporal(TemporalSystem):
    name = "openai-agents-temporal"
    distributions = ("temporalio", "temporalio-openai-agents", "openai-agents", "openai")

    def is_model(self, activity_type: str) -> bool:
        return "model" in activity_type.lower()

    async def connect(self, address: str) -> Client:
        plugin = OpenAIAgentsPlugin(
            model_params=ModelActivityParameters(start_to_close_timeout=TIMEOUT)
        )
        return await Client.connect(address, plugins=[plugin])

    def worker(self, client: Client, task_queue: str, identity: str | None) -> Worker:
        return Worker(
            client,
            task_queue=task_queue,
            workflows=[BenchWorkflow],
            activities=[lookup],
            identity=identity,
        )

    async def start(self, client: Client, task_queue: str, workflow_id: str, turns: int) -> None:
        await client.start_workflow(
            BenchWorkflow.run,
            BenchInput(prompt=prompt(turns), max_turns=turns + 5),
            id=workflow_id,
            task_queue=task_queue,
        )


def main(argv: Sequence[str]) -> None:
    run_system(OpenAIAgentsTemporal(), argv)

"""The floor: a bare Temporal workflow making the same round trips as an agent run."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Worker

from benchmarks.systems.floor_workflow import FloorWorkflow, model_call, tool_call
from benchmarks.temporal_system import TemporalSystem, run_system


class Floor(TemporalSystem):
    name = "floor"

    def is_model(self, activity_type: str) -> bool:
        return activity_type == "floor.model"

    async def connect(self, address: str) -> Client:
        return await Client.connect(address)

    def worker(self, client: Client, task_queue: str, identity: str | None) -> Worker:
        return Worker(
            client,
            task_queue=task_queue,
            workflows=[FloorWorkflow],
            activities=[model_call, tool_call],
            identity=identity,
            # As a deployed worker would (ours uses the same): in-flight activities finish on
            # SIGTERM instead of being lost until their timeout.
            graceful_shutdown_timeout=timedelta(seconds=30),
        )

    async def start(self, client: Client, task_queue: str, workflow_id: str, turns: int) -> None:
        await client.start_workflow(FloorWorkflow.run, turns, id=workflow_id, task_queue=task_queue)

    async def current_turn(self, client: Client, workflow_id: str) -> int:
        return await client.get_workflow_handle(workflow_id).query(FloorWorkflow.turn)


def main(argv: Sequence[str]) -> None:
    run_system(Floor(), argv)

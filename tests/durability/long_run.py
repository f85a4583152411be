"""The 2,000-turn run behind `test_very_long_runs.py`, and helpers to read a continue-as-new chain.

The run takes minutes on a dev server (two workflow tasks per turn), so `conftest.py` starts it in
the background when the package's first test starts, and the long-run tests, collected last, wait
for it; the subprocess tests, which mostly wait on heartbeat timeouts, overlap with it.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from client import AgentClient
from connection.converter import data_converter
from durable_agents import RunResult
from protocol.names import AGENT_NAME, RUN_STATUS, WORKFLOW_NAME
from protocol.run import RunInput, RunProgress
from tests.durability import agents
from worker.build import build_worker

TOOL_TURNS = 2000
LONG_TIMEOUT = 600
"""Only there so a stuck run fails instead of hanging CI; the run takes about 3.5 minutes here."""


@dataclass
class LongRun:
    agent_client: AgentClient
    run_id: str
    started: float
    task: asyncio.Task[RunResult]
    progress: list[RunProgress] = field(default_factory=list)
    """What `progress` by run id answered, every 0.5 s, while the run went on."""
    poll_errors: list[str] = field(default_factory=list)
    seconds: float | None = None

    async def result(self) -> RunResult:
        result = await asyncio.wait_for(asyncio.shield(self.task), LONG_TIMEOUT)
        if self.seconds is None:
            self.seconds = time.monotonic() - self.started
        return result


async def start_counter(agent_client: AgentClient, steps: int, budget: int | None = None) -> str:
    """Starts `counter` for `steps` tool turns and a final answer; returns the run id.

    `AgentClient.start` has no way to set a turn budget for continue-as-new, so a budget means
    starting the workflow as `AgentClient.start` does (same search attributes), budget added."""
    if budget is None:
        return await agent_client.start("counter", str(steps), max_turns=steps + 1)
    run_id = f"counter-{uuid.uuid4().hex[:12]}"
    await agent_client.temporal_client.start_workflow(
        WORKFLOW_NAME,
        RunInput(
            agent_name="counter",
            input=str(steps),
            max_turns=steps + 1,
            continue_as_new_after_turns=budget,
        ),
        id=run_id,
        task_queue=agent_client.task_queue,
        search_attributes=TypedSearchAttributes(
            [SearchAttributePair(AGENT_NAME, "counter"), SearchAttributePair(RUN_STATUS, "running")]
        ),
    )
    return run_id


@asynccontextmanager
async def long_run_in_background(base: Client, payload_dir: Path) -> AsyncIterator[LongRun]:
    """An in-process worker, and the 2,000-turn run started on it with no turn budget, so it
    continues as new only when Temporal suggests it. The client uses the project's converter
    with external payload storage, as shipped, so each run's items go to the item store."""
    client = Client(
        base.service_client,
        namespace=base.namespace,
        data_converter=data_converter({"DURABLE_AGENTS_PAYLOAD_STORAGE": f"file:{payload_dir}"}),
    )
    task_queue = f"long-{uuid.uuid4().hex[:8]}"
    async with build_worker(client, agents.registry, task_queue=task_queue):
        agent_client = AgentClient(client, task_queue=task_queue)
        started = time.monotonic()
        run_id = await start_counter(agent_client, TOOL_TURNS)
        run = LongRun(
            agent_client, run_id, started, asyncio.create_task(agent_client.result(run_id))
        )

        async def poll() -> None:
            while not run.task.done():
                try:
                    run.progress.append(await agent_client.progress(run_id))
                except Exception as error:  # a slow answer is no failure here; keep polling
                    run.poll_errors.append(repr(error))
                await asyncio.sleep(0.5)

        poller = asyncio.create_task(poll())
        try:
            yield run
        finally:
            poller.cancel()
            run.task.cancel()
            await asyncio.gather(poller, run.task, return_exceptions=True)


async def chain(client: Client, run_id: str) -> list[list[HistoryEvent]]:
    """The histories of every run of a continue-as-new chain, first to last."""
    histories = []
    first = await client.get_workflow_handle(run_id).describe()
    execution_run_id: str | None = first.raw_description.workflow_execution_info.first_run_id
    while execution_run_id:
        history = await client.get_workflow_handle(run_id, run_id=execution_run_id).fetch_history()
        histories.append(list(history.events))
        last = history.events[-1]
        execution_run_id = (
            last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id
            if last.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
            else None
        )
    return histories


CARRY_EVENTS = {
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
}


def _scheduled_turn(event: HistoryEvent) -> int | None:
    if event.event_type != EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        return None
    attributes = event.activity_task_scheduled_event_attributes
    if attributes.activity_type.name in ("agents.store_segment", "agents.load_segments"):
        return None  # run-level work between turns: counted with the turn it follows
    return json.loads(attributes.input.payloads[0].data)["scope"]["turn"]


def bytes_per_turn(histories: list[list[HistoryEvent]]) -> tuple[dict[int, int], list[int]]:
    """History bytes of each turn (every event from the turn's first scheduled activity up to
    the next turn's), and apart from them the bytes of each run's start and continue-as-new
    events, which carry the run state from one run of the chain to the next."""
    per_turn: dict[int, int] = {}
    carries: list[int] = []
    turn = 0
    for events in histories:
        for event in events:
            if event.event_type in CARRY_EVENTS:
                carries.append(event.ByteSize())
                continue
            turn = _scheduled_turn(event) or turn
            per_turn[turn] = per_turn.get(turn, 0) + event.ByteSize()
    return per_turn, carries


async def carried_bytes(
    client: Client, histories: list[list[HistoryEvent]]
) -> tuple[list[int], list[int]]:
    """The size (JSON bytes) of the run state each continued run started from, and of its whole
    input (the event stream handed over included), wherever the payload lives (history or
    external storage)."""
    states, inputs = [], []
    for events in histories[1:]:
        payloads = events[0].workflow_execution_started_event_attributes.input.payloads
        [inp] = await client.data_converter.decode(payloads, [RunInput])
        assert inp.continued is not None
        states.append(len(inp.continued.model_dump_json()))
        inputs.append(len(inp.model_dump_json()))
    return states, inputs

"""A run's event stream survives what the run survives: a reader following a run that continues
as new sees every event once, in order, through a SIGKILLed worker and its replacement."""

from __future__ import annotations

import asyncio
import signal
from datetime import timedelta

from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from client import AgentClient
from connection.converter import data_converter
from durable_agents import AgentUpdatedStreamEvent, RunItemStreamEvent, StreamEvent
from tests.durability.conftest import RUN_TIMEOUT, Scenario, wait_until

STEPS = 6


def _shape(event: StreamEvent) -> tuple[str, str]:
    if isinstance(event, AgentUpdatedStreamEvent):
        return ("agent_updated", event.new_agent.name)
    return (event.name, event.item.agent_name)


async def test_a_reader_follows_a_run_through_a_worker_crash_and_continue_as_new(
    temporal_env: WorkflowEnvironment, scenario: Scenario
):
    # The client reads stored events from the same payload storage the workers write to.
    base = temporal_env.client
    client = Client(
        base.service_client,
        namespace=base.namespace,
        data_converter=data_converter(
            {"DURABLE_AGENTS_PAYLOAD_STORAGE": f"file:{scenario.tmp_path / 'payloads'}"}
        ),
    )
    agent_client = AgentClient(client, task_queue=scenario.task_queue)
    run_id = f"stream-crash-{scenario.task_queue}"
    marker = scenario.hold(run_id, "tool", 4)
    first = scenario.start_worker()
    await agent_client.start(
        "stepper", str(STEPS), run_id=run_id, max_turns=STEPS + 1, continue_as_new_after_turns=2
    )

    async def read() -> list[StreamEvent]:
        fast = timedelta(milliseconds=20)
        return [e async for e in agent_client.stream_events(run_id, poll_cooldown=fast)]

    live = asyncio.create_task(read())
    # Turn 4 is in the second run of the chain; its tool is held while the worker dies.
    await wait_until(
        lambda: scenario.records(run_id=run_id, kind="tool", turn=4, phase="start"),
        "the tool call of turn 4 to start",
    )
    assert first.stop(signal.SIGKILL) == -signal.SIGKILL
    marker.unlink()
    scenario.start_worker()

    result = await asyncio.wait_for(agent_client.result(run_id), RUN_TIMEOUT)
    events = await asyncio.wait_for(live, RUN_TIMEOUT)
    assert result.status == "completed" and result.current_turn == STEPS + 1

    expected = [("agent_updated", "stepper")]
    expected += [("tool_called", "stepper"), ("tool_output", "stepper")] * STEPS
    expected += [("message_output_created", "stepper")]
    assert [_shape(e) for e in events] == expected
    assert [e.offset for e in events] == list(range(len(expected)))
    items = [e.item for e in events if isinstance(e, RunItemStreamEvent)]
    assert items == result.new_items
    # Read again after the end, from the start and from the middle of an earlier run.
    assert [e async for e in agent_client.stream_events(run_id)] == events
    assert [e async for e in agent_client.stream_events(run_id, from_offset=4)] == events[4:]

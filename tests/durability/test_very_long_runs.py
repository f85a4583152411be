"""Long runs: 2,000 tool turns complete, continuing as new whenever Temporal suggests it, while the
client keeps using one run id for result, progress, status and cancel; history per turn stays flat.

An in-process worker is enough here: what is under test is the workflow's behaviour as its history
grows, not process failure. The 2,000-turn run is started in the background by `conftest.py`.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from client import AgentClient
from durable_agents import RunResult
from protocol.run import RunProgress
from tests.durability.long_run import (
    LONG_TIMEOUT,
    TOOL_TURNS,
    LongRun,
    bytes_per_turn,
    carried_bytes,
    chain,
    start_counter,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def run(long_run: LongRun | None) -> LongRun:
    assert long_run is not None
    return long_run


async def test_a_2000_turn_run_completes(run: LongRun):
    result: RunResult = await run.result()
    assert result.status == "completed"
    assert result.final_output == f"counted {TOOL_TURNS}"
    assert result.current_turn == TOOL_TURNS + 1
    outputs = [i for i in result.new_items if i.type == "tool_call_output_item"]
    assert [i.output for i in outputs] == [f"s{n}" for n in range(1, TOOL_TURNS + 1)]
    assert len(result.raw_responses) == TOOL_TURNS + 1
    assert result.usage.requests == TOOL_TURNS + 1


async def test_it_continued_as_new_several_times_under_one_run_id(run: LongRun):
    await run.result()
    # A query on a closed run replays its last history (~400 turns, seconds on a loaded
    # machine): give it longer than AgentClient's 5 s for live runs.
    final = await run.agent_client.temporal_client.get_workflow_handle(run.run_id).query(
        "progress", result_type=RunProgress, rpc_timeout=timedelta(seconds=60)
    )
    assert (final.status, final.current_turn) == ("completed", TOOL_TURNS + 1)
    assert final.continued_runs >= 3, final
    # One workflow id, a run per continuation; the client never needed another id.
    histories = await chain(run.agent_client.temporal_client, run.run_id)
    assert len(histories) == final.continued_runs + 1
    # While it ran, `progress` by run id followed it from run to run of the chain.
    continued = [p.continued_runs for p in run.progress]
    assert continued == sorted(continued)
    assert set(range(final.continued_runs + 1)) <= set(continued), continued
    turns = [p.current_turn for p in run.progress]
    assert turns == sorted(turns)


async def test_cancel_after_turn_reaches_a_run_that_continued_as_new(run: LongRun):
    agent_client: AgentClient = run.agent_client
    run_id = await start_counter(agent_client, 100_000, budget=20)

    async def continued_twice() -> RunProgress:
        while True:
            progress = await agent_client.progress(run_id)
            if progress.continued_runs >= 2:
                return progress
            await asyncio.sleep(0.1)

    before = await asyncio.wait_for(continued_twice(), LONG_TIMEOUT)
    status = await agent_client.status(run_id)
    assert status.status == "running"
    assert status.progress is not None and status.progress.continued_runs >= 2
    await agent_client.cancel_after_turn(run_id)
    result = await asyncio.wait_for(agent_client.result(run_id), LONG_TIMEOUT)
    assert result.status == "cancelled"
    assert before.current_turn <= result.current_turn < 100_000
    # The turn in flight finished, its tool included, before the run ended.
    outputs = [i for i in result.new_items if i.type == "tool_call_output_item"]
    assert len(outputs) == result.current_turn
    after = await agent_client.status(run_id)
    assert after.status == "cancelled"


async def test_history_bytes_per_turn_stay_flat(run: LongRun):
    await run.result()
    histories = await chain(run.agent_client.temporal_client, run.run_id)
    per_turn, carries = bytes_per_turn(histories)

    def mean(first: int, last: int) -> float:
        return sum(per_turn[t] for t in range(first, last + 1)) / (last - first + 1)

    early, at_500, late = mean(6, 15), mean(496, 505), mean(1991, 2000)
    print(
        f"\nhistory bytes per turn: turn 10 {early:.0f}, turn 500 {at_500:.0f}, "
        f"turn 2000 {late:.0f}; {len(histories)} runs; start/continue-as-new events "
        f"{carries} bytes; the run took {run.seconds:.0f}s"
    )
    assert at_500 < 1.5 * early, (early, at_500)
    assert late < 1.5 * early, (early, late)


async def test_the_state_carried_across_continue_as_new_does_not_grow_with_the_run(run: LongRun):
    await run.result()
    client = run.agent_client.temporal_client
    states, inputs = await carried_bytes(client, await chain(client, run.run_id))
    print(
        f"\ncarried into each continued run: run state {states} bytes, "
        f"whole input with the event stream {inputs} bytes"
    )
    assert len(states) >= 3
    # A reference per earlier run, not its items: a few hundred bytes more each time.
    assert states[-1] < 2 * states[0], states
    # The event stream keeps one run's events for lagging subscribers, not the whole chain's.
    assert max(inputs) < 1.5 * min(inputs), inputs

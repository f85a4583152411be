"""Several worker processes on one task queue share the runs; when one is SIGKILLed the other
finishes every run (which is also how a deployment scales out: more workers on the queue)."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter, defaultdict

from temporalio.client import Client

from client import AgentClient
from tests.durability.conftest import RUN_TIMEOUT, Scenario, wait_until

RUNS = 6
STEPS = 6
TOOL_SECONDS = 0.2
HELD = 3
SLOTS = 2
"""Activity slots per worker: fewer than the runs in flight, so neither worker can take all."""


async def test_two_workers_share_runs_and_one_survives_the_other(
    scenario: Scenario, client: Client
):
    agent_client = AgentClient(client, task_queue=scenario.task_queue)
    victim = scenario.start_worker("--max-concurrent-activities", str(SLOTS))
    survivor = scenario.start_worker("--max-concurrent-activities", str(SLOTS))
    pids = {victim.process.pid, survivor.process.pid}
    run_ids = [f"pool-{i}-{scenario.task_queue}" for i in range(RUNS)]
    # Every run's tool of turn 3 waits for a marker: the victim is then surely mid-tool when
    # killed (its two slots hold two of them), and nothing else is in flight on it.
    markers = [scenario.hold(run_id, "tool", HELD) for run_id in run_ids]
    for run_id in run_ids:
        await agent_client.start(
            "stepper",
            str(STEPS),
            run_id=run_id,
            context={"tool_seconds": TOOL_SECONDS},
        )

    def both_worked_and_victim_holds() -> set[str]:
        """Once both workers completed tools and all the victim's slots hold a tool of turn 3
        (so nothing else is in flight on it), the keys of those tools."""
        tools = scenario.records(kind="tool")
        if {r["pid"] for r in tools if r["phase"] == "end"} != pids:
            return set()
        held = {
            r["key"]
            for r in tools
            if r["pid"] == victim.process.pid and r["turn"] == HELD and r["phase"] == "start"
        }
        return held if len(held) == SLOTS else set()

    in_flight = await wait_until(
        both_worked_and_victim_holds, "both workers to work and the victim to hold a tool"
    )
    assert victim.stop(signal.SIGKILL) == -signal.SIGKILL
    at_kill = len(scenario.records())
    for marker in markers:
        marker.unlink()

    results = await asyncio.wait_for(
        asyncio.gather(*(agent_client.result(run_id) for run_id in run_ids)), RUN_TIMEOUT
    )
    expected = "done: " + " ".join(f"s{n}" for n in range(1, STEPS + 1))
    assert [r.final_output for r in results] == [expected] * RUNS
    assert survivor.process.poll() is None

    records = scenario.records()
    assert {r["pid"] for r in records[at_kill:]} == {survivor.process.pid}
    # No model call was in flight on the victim (its slots held tools): none ran twice.
    model_calls = Counter((r["run_id"], r["turn"]) for r in records if r["kind"] == "model")
    assert set(model_calls.values()) == {2}, model_calls  # a start and an end each
    assert len(model_calls) == RUNS * (STEPS + 1)
    tool_runs: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        if r["kind"] == "tool" and r["phase"] == "start":
            tool_runs[r["key"]].append(r)
    assert len(tool_runs) == RUNS * STEPS
    for key, runs in tool_runs.items():
        if key in in_flight:
            # Interrupted by the kill: the same activity retried on the survivor, same key.
            assert [(r["pid"], r["attempt"]) for r in runs] == [
                (victim.process.pid, 1),
                (survivor.process.pid, 2),
            ], runs
        else:
            assert len(runs) == 1, runs

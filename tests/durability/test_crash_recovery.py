"""A worker SIGKILLed mid-run is replaced by a fresh worker process and the run completes: what
was recorded as done is not done again, and the call that was in flight is retried (same
activity, next attempt, same idempotency key)."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from typing import Any

from temporalio.client import Client

from client import AgentClient
from tests.durability.conftest import RUN_TIMEOUT, Scenario, wait_until

STEPS = 4
EXPECTED = "done: s1 s2 s3 s4"


def _name(record: dict[str, Any]) -> tuple[str, int]:
    return record["kind"], record["turn"]


def _assert_each_call_ran_once(scenario: Scenario, run_id: str, except_: set[tuple[str, int]]):
    """Every model turn and tool call of the run started and ended exactly once, except those
    named; a tool's idempotency key is `<run id>:<call id>`."""
    starts = Counter(_name(r) for r in scenario.records(run_id=run_id, phase="start"))
    ends = Counter(_name(r) for r in scenario.records(run_id=run_id, phase="end"))
    calls = {("model", t) for t in range(1, STEPS + 2)} | {("tool", t) for t in range(1, STEPS + 1)}
    assert set(ends) == calls, ends
    assert all(n == 1 for n in ends.values()), ends
    for call in calls - except_:
        assert starts[call] == 1, (call, starts)
    for r in scenario.records(run_id=run_id, kind="tool"):
        assert r["call_id"] == f"call_{r['turn']}"
        assert r["key"] == f"{run_id}:{r['call_id']}"


def _order(kind: str, turn: int) -> int:
    """Position in the run: model 1, tool 1, model 2, tool 2, ..."""
    return 2 * turn + (kind == "tool")


def _assert_ran_on(
    scenario: Scenario, run_id: str, first_redone: tuple[str, int], killed: int, survivor: int
):
    """Calls before `first_redone` completed on the killed worker, the others on the survivor."""
    for r in scenario.records(run_id=run_id, phase="end"):
        before = _order(r["kind"], r["turn"]) < _order(*first_redone)
        assert r["pid"] == (killed if before else survivor), r


async def _kill_mid_call(scenario: Scenario, client: Client, kind: str, turn: int) -> None:
    agent_client = AgentClient(client, task_queue=scenario.task_queue)
    run_id = f"crash-{kind}-{scenario.task_queue}"
    marker = scenario.hold(run_id, kind, turn)
    first = scenario.start_worker()
    await agent_client.start("stepper", str(STEPS), run_id=run_id)

    held = await wait_until(
        lambda: scenario.records(run_id=run_id, kind=kind, turn=turn, phase="start"),
        f"the {kind} call of turn {turn} to start",
    )
    assert held[0]["pid"] == first.process.pid
    assert first.stop(signal.SIGKILL) == -signal.SIGKILL
    marker.unlink()
    second = scenario.start_worker()

    result = await asyncio.wait_for(agent_client.result(run_id), RUN_TIMEOUT)
    assert result.status == "completed"
    assert result.final_output == EXPECTED
    assert result.current_turn == STEPS + 1

    _assert_each_call_ran_once(scenario, run_id, except_={(kind, turn)})
    # The interrupted call ran again on the fresh worker: the same activity's next attempt, with
    # the same idempotency key for a tool.
    again = scenario.records(run_id=run_id, kind=kind, turn=turn, phase="start")
    assert [(r["pid"], r["attempt"]) for r in again] == [
        (first.process.pid, 1),
        (second.process.pid, 2),
    ]
    if kind == "tool":
        assert {r["key"] for r in again} == {f"{run_id}:call_{turn}"}
    _assert_ran_on(scenario, run_id, (kind, turn), first.process.pid, second.process.pid)


async def test_worker_killed_during_a_model_call(scenario: Scenario, client: Client):
    await _kill_mid_call(scenario, client, "model", 3)


async def test_worker_killed_during_a_tool_call(scenario: Scenario, client: Client):
    await _kill_mid_call(scenario, client, "tool", 2)


async def test_worker_killed_between_turns(scenario: Scenario, client: Client):
    """Turn 2 completes (its tool result is recorded: the workflow has scheduled turn 3), then the
    worker is SIGKILLed as turn 3 reaches it, before any of turn 3 runs."""
    agent_client = AgentClient(client, task_queue=scenario.task_queue)
    run_id = f"crash-between-{scenario.task_queue}"
    scenario.hold(run_id, "tool", 2, suffix="then-die")
    first = scenario.start_worker()
    await agent_client.start("stepper", str(STEPS), run_id=run_id)

    await wait_until(lambda: first.process.poll() is not None, "the worker to kill itself")
    assert first.process.returncode == -signal.SIGKILL
    [crash] = scenario.records(run_id=run_id, kind="crash")
    assert (crash["pid"], crash["turn"], crash["entering"]) == (first.process.pid, 3, "model")
    second = scenario.start_worker()

    result = await asyncio.wait_for(agent_client.result(run_id), RUN_TIMEOUT)
    assert result.status == "completed"
    assert result.final_output == EXPECTED
    _assert_each_call_ran_once(scenario, run_id, except_=set())
    _assert_ran_on(scenario, run_id, ("model", 3), first.process.pid, second.process.pid)

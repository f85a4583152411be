"""The Temporal server killed mid-run and started again on its SQLite file does not lose the run:
the worker service rides out the outage and finishes it."""

from __future__ import annotations

import asyncio
from collections import Counter

from client import AgentClient
from tests.durability.conftest import RUN_TIMEOUT, DevServer, connect, wait_until


async def test_dev_server_restarted_mid_run(dev_server: DevServer, scenario_for):
    scenario = scenario_for(dev_server.address)
    agent_client = AgentClient(await connect(dev_server.address), task_queue=scenario.task_queue)
    run_id = f"restart-{scenario.task_queue}"
    marker = scenario.hold(run_id, "tool", 2)
    worker = scenario.start_worker()
    await agent_client.start("stepper", "4", run_id=run_id)
    await wait_until(
        lambda: scenario.records(run_id=run_id, kind="tool", turn=2, phase="start"),
        "the tool of turn 2 to start",
    )

    dev_server.kill()
    await dev_server.start()
    marker.unlink()

    # A new client after the restart, as a user would open; the worker keeps its connection.
    agent_client = AgentClient(await connect(dev_server.address), task_queue=scenario.task_queue)
    result = await asyncio.wait_for(agent_client.result(run_id), RUN_TIMEOUT)
    assert result.status == "completed"
    assert result.final_output == "done: s1 s2 s3 s4"
    assert worker.process.poll() is None, "the worker service died with the server"

    ends = Counter((r["kind"], r["turn"]) for r in scenario.records(run_id=run_id, phase="end"))
    # Work recorded before the outage was not redone. The tool held across the outage may have
    # run twice if its completion could not be reported; then with the same idempotency key.
    assert all(n == 1 for call, n in ends.items() if call != ("tool", 2)), ends
    assert {r["key"] for r in scenario.records(run_id=run_id, kind="tool", turn=2)} == {
        f"{run_id}:call_2"
    }
    assert {r["pid"] for r in scenario.records(run_id=run_id)} == {worker.process.pid}

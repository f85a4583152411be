"""Recorded histories of full runs replay against today's workflow code.

Set RECORD_HISTORIES=1 to (re)record them; do that only for a change that is meant to be
incompatible, since old runs in production would fail the same way.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio import workflow
from temporalio.client import WorkflowFailureError, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions
from temporalio.workflow import NondeterminismError

from durable_agents import (
    Agent,
    AgentHooks,
    AgentRegistry,
    GuardrailFunctionOutput,
    RunHooks,
    RunResult,
    SQLiteSession,
    function_tool,
    input_guardrail,
    output_guardrail,
)
from durable_agents.items import function_call
from durable_agents.testing import ScriptedModel
from protocol.run import RunInput
from workflows.agent_run import AgentRunWorkflow

HISTORIES = Path(__file__).parent.parent / "histories"


@function_tool
def lookup(order_id: str) -> str:
    """Look an order up."""
    return f"order {order_id}: shipped"


@input_guardrail
def polite(ctx, agent, input):
    return GuardrailFunctionOutput(output_info="ok", tripwire_triggered="rude" in str(input))


@output_guardrail
def short(ctx, agent, output):
    return GuardrailFunctionOutput(output_info=len(output), tripwire_triggered=len(output) > 200)


def _script(request):
    turn = request.call_context.turn
    if turn == 1:
        return [function_call("transfer_to_orders", {}, call_id="h1")]
    if turn in (2, 3):
        return [function_call("lookup", {"order_id": f"A{turn}"}, call_id=f"t{turn}")]
    return "Both orders shipped."


model = ScriptedModel(_script)
orders = Agent(name="orders", tools=[lookup], output_guardrails=[short], model=model)
triage = Agent(name="triage", handoffs=[orders], input_guardrails=[polite], model=model)
registry = AgentRegistry([triage])

# The same run with every optional path on: run and agent hooks, a session, token streaming.
streaming = ScriptedModel(_script, stream_chunk_size=8)
hooked_orders = Agent(
    name="orders",
    tools=[lookup],
    output_guardrails=[short],
    hooks=AgentHooks(),
    model=streaming,
)
hooked_triage = Agent(
    name="triage", handoffs=[hooked_orders], input_guardrails=[polite], model=streaming
)
hooked_registry = AgentRegistry(
    [hooked_triage], hooks=RunHooks(), session_factory=lambda session_id: SQLiteSession(session_id)
)


async def _record(h, name: str, signal: bool = False, last_run: bool = False, **kwargs) -> None:
    """Records a history once: existing files are what older workflow code wrote, and keeping
    them is what makes replaying them a compatibility check."""
    input = kwargs.pop("input", "where are my orders?")
    handle = await h.start("triage", input, run_id=f"history-{name}-{uuid.uuid4()}", **kwargs)
    if signal:
        await handle.signal("cancel_after_turn")
    with contextlib.suppress(WorkflowFailureError):
        await handle.result()
    runs = {"": handle.first_execution_run_id}
    if last_run:
        runs["_last_run"] = (await h.client.get_workflow_handle(handle.id).describe()).run_id
    for suffix, run_id in runs.items():
        path = HISTORIES / f"{name}{suffix}.json"
        if not path.exists():
            history = await h.client.get_workflow_handle(handle.id, run_id=run_id).fetch_history()
            path.write_text(history.to_json())


@pytest.mark.skipif(
    not os.environ.get("RECORD_HISTORIES"), reason="set RECORD_HISTORIES=1 to record"
)
async def test_record_histories(harness_for):
    async with harness_for(registry) as h:
        await _record(h, "tools_handoff_guardrails")
        await _record(h, "input_guardrail_tripped", input="you are rude")
        await _record(h, "cancel_after_turn", signal=True)
        await _record(h, "continue_as_new", continue_as_new_after_turns=2)
        # Since the item store: each run stores its items as a segment before continuing,
        # and the last run reads them back for the result.
        await _record(h, "continue_as_new_segments", last_run=True, continue_as_new_after_turns=1)
    async with harness_for(hooked_registry) as h:
        await _record(
            h, "hooks_session_raw_events", session_id="history-session", stream_raw_events=True
        )


def _histories() -> list[Path]:
    return sorted(HISTORIES.glob("*.json"))


@pytest.mark.parametrize("path", _histories(), ids=lambda p: p.stem)
async def test_recorded_history_replays(path: Path):
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    replayer = Replayer(workflows=[AgentRunWorkflow], data_converter=pydantic_data_converter)
    await replayer.replay_workflow(history)


def test_histories_are_recorded():
    assert {p.stem for p in _histories()} >= {
        "tools_handoff_guardrails",
        "input_guardrail_tripped",
        "cancel_after_turn",
    }


@workflow.defn(name="AgentRunWorkflow")
class ReorderedWorkflow(AgentRunWorkflow):
    """A non-deterministic change: an extra activity before each later model call."""

    @workflow.run
    async def run(self, inp: RunInput | Any) -> RunResult:
        return await super().run(inp)

    async def _turn(self, agent):
        if self.state.turn > 1:
            await workflow.execute_activity(
                "agents.resolve_run", agent.name, start_to_close_timeout=timedelta(seconds=5)
            )
        return await super()._turn(agent)


async def test_a_non_deterministic_change_is_caught_by_the_recorded_histories():
    path = HISTORIES / "tools_handoff_guardrails.json"
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    # The changed workflow lives in this test module: let the sandbox share its imports.
    runner = SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(
            "tests", "durable_agents", "activities"
        )
    )
    replayer = Replayer(
        workflows=[ReorderedWorkflow],
        data_converter=pydantic_data_converter,
        workflow_runner=runner,
    )
    with pytest.raises(NondeterminismError):
        await replayer.replay_workflow(history)

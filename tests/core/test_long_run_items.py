"""Runs that continue as new write what each run generated once, as a segment in the item store,
and carry references: the hand-over stays small, and the result, the model's conversation and
handoff history still see every item of the chain."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import ApplicationError

from activities.conversation_cache import ConversationCache
from connection.converter import data_converter
from connection.item_store import ItemStore
from connection.payload_storage import FileStorageDriver
from durable_agents import (
    Agent,
    AgentRegistry,
    HandoffInputData,
    RunResult,
    function_tool,
    handoff,
)
from durable_agents.items import function_call
from durable_agents.testing import ScriptedModel
from protocol.run import RunInput
from tests.core.test_conversation_by_reference import _expected_conversation, step
from tests.durability.long_run import chain
from worker.build import build_worker
from workflows.agent_run import AgentRunWorkflow

TURNS = 40
BUDGET = 7


@function_tool
def bulky(n: int) -> str:
    """A large result."""
    return f"{n}:" + "x" * 300_000


def _stepper(turns: int = TURNS, tool: str = "step", last: Any = "finished") -> ScriptedModel:
    def script(request):
        turn = request.call_context.turn
        if turn < turns:
            return [function_call(tool, {"n": turn}, call_id=f"c{turn}")]
        return last

    return ScriptedModel(script)


def _storage_client(temporal_env, payload_dir: Path) -> Client:
    converter = data_converter({"DURABLE_AGENTS_PAYLOAD_STORAGE": f"file:{payload_dir}"})
    base = temporal_env.client
    return Client(base.service_client, namespace=base.namespace, data_converter=converter)


class Runs:
    def __init__(self, client: Client, task_queue: str) -> None:
        self.client = client
        self.task_queue = task_queue

    async def start(self, agent: str, **kwargs: Any):
        return await self.client.start_workflow(
            AgentRunWorkflow.run,
            RunInput(agent_name=agent, input=kwargs.pop("input", "go"), **kwargs),
            id=f"long-items-{uuid.uuid4()}",
            task_queue=self.task_queue,
        )

    async def run(self, agent: str, **kwargs: Any) -> RunResult:
        handle = await self.start(agent, **kwargs)
        return await asyncio.wait_for(handle.result(), 120)


@asynccontextmanager
async def _worker(client: Client, registry: AgentRegistry, **kwargs: Any) -> AsyncIterator[Runs]:
    task_queue = f"tq-{uuid.uuid4()}"
    async with build_worker(client, registry, task_queue=task_queue, **kwargs):
        yield Runs(client, task_queue)


async def _carried_states(client: Client, run_id: str) -> list[RunInput]:
    inputs = []
    for events in (await chain(client, run_id))[1:]:
        payloads = events[0].workflow_execution_started_event_attributes.input.payloads
        [inp] = await client.data_converter.decode(payloads, [RunInput])
        inputs.append(inp)
    return inputs


async def test_continued_runs_carry_references_and_the_result_is_whole(temporal_env, tmp_path):
    client = _storage_client(temporal_env, tmp_path)
    model = _stepper()
    async with _worker(client, AgentRegistry([Agent(name="a", tools=[step], model=model)])) as r:
        handle = await r.start("a", max_turns=TURNS + 1, continue_as_new_after_turns=BUDGET)
        result: RunResult = await asyncio.wait_for(handle.result(), 120)
        carried = await _carried_states(client, handle.id)

    assert result.final_output == "finished"
    outputs = [i.output for i in result.new_items if i.type == "tool_call_output_item"]
    assert outputs == [f"step {n} done" for n in range(1, TURNS)]
    assert [i.type for i in result.new_items][-1] == "message_output_item"
    assert len(result.raw_responses) == TURNS
    assert result.usage.requests == TURNS
    assert len(result.usage.request_usage_entries) == TURNS

    assert len(carried) == (TURNS - 1) // BUDGET
    for n, inp in enumerate(carried, start=1):
        state = inp.continued
        assert state is not None
        # Only references travel: the items of earlier runs are in the item store.
        assert state.session_items == [] and state.raw_responses == []
        assert state.usage.request_usage_entries == []
        assert len(state.segments) == n
        assert all(
            ref.driver == "durable_agents.file" and ref.inline is None for ref in state.segments
        )
    sizes = [len(inp.continued.model_dump_json()) for inp in carried if inp.continued]
    # Each hand-over adds one small reference, not the run's items.
    assert sizes[-1] - sizes[0] < 300 * (len(sizes) - 1), sizes
    # The model saw the whole conversation on every turn, earlier runs' items included.
    for request in model.requests:
        assert request.input == _expected_conversation(request.call_context.turn)


async def test_a_worker_without_copies_rebuilds_the_conversation_from_the_store(
    temporal_env, tmp_path
):
    """No conversation cache and no segment cache: every model call after a continue-as-new
    reads the conversation from the run's query and the segments from the files."""
    client = _storage_client(temporal_env, tmp_path)
    model = _stepper()
    store = ItemStore(FileStorageDriver(tmp_path), cache_bytes=0)
    registry = AgentRegistry([Agent(name="a", tools=[step], model=model)])
    async with _worker(
        client, registry, conversation_cache=ConversationCache(0), item_store=store
    ) as r:
        result = await r.run("a", max_turns=TURNS + 1, continue_as_new_after_turns=BUDGET)
    assert result.final_output == "finished"
    assert len(model.requests) == TURNS
    for request in model.requests:
        assert request.input == _expected_conversation(request.call_context.turn)


def _handoff_agents(input_filter=None) -> tuple[AgentRegistry, ScriptedModel]:
    closer_model = ScriptedModel(lambda request: "closed")
    closer = Agent(name="closer", model=closer_model)
    target = handoff(closer, input_filter=input_filter) if input_filter else closer
    worker = Agent(
        name="worker",
        tools=[step],
        handoffs=[target],
        model=_stepper(12, last=[function_call("transfer_to_closer", {}, call_id="h1")]),
    )
    return AgentRegistry([worker]), closer_model


@pytest.mark.parametrize("with_filter", [False, True], ids=["nested history", "input filter"])
async def test_a_handoff_after_continue_as_new_sees_the_whole_history(
    temporal_env, tmp_path, with_filter
):
    """The next agent's input is the same whether or not the run continued as new before the
    handoff: nesting (or the input filter) gets the items of earlier runs from the store."""
    seen: list[int] = []

    def count_items(data: HandoffInputData) -> HandoffInputData:
        seen.append(len(data.pre_handoff_items) + len(data.new_items))
        return data

    client = _storage_client(temporal_env, tmp_path)
    inputs = []
    for budget in (None, 4):
        registry, closer_model = _handoff_agents(count_items if with_filter else None)
        async with _worker(client, registry) as r:
            result = await r.run("worker", max_turns=20, continue_as_new_after_turns=budget)
        assert result.final_output == "closed" and result.last_agent_name == "closer"
        inputs.append(closer_model.requests[-1].input)
    assert inputs[0] == inputs[1]
    if with_filter:
        assert seen[0] == seen[1] == 2 * 11 + 2
    else:
        assert "step 11 done" in str(inputs[1]) and "step 1 done" in str(inputs[1])


async def test_max_turns_after_continue_as_new_carries_every_item(temporal_env, tmp_path):
    client = _storage_client(temporal_env, tmp_path)
    registry = AgentRegistry([Agent(name="a", tools=[step], model=_stepper(10_000))])
    async with _worker(client, registry) as r:
        with pytest.raises(WorkflowFailureError) as info:
            await r.run("a", max_turns=20, continue_as_new_after_turns=BUDGET)
    error = info.value.cause
    assert isinstance(error, ApplicationError) and error.type == "MaxTurnsExceeded"
    partial = error.details[0]
    assert len(partial["raw_responses"]) == 20
    outputs = [i["output"] for i in partial["new_items"] if i["type"] == "tool_call_output_item"]
    assert outputs == [f"step {n} done" for n in range(1, 21)]


async def test_without_external_storage_an_oversized_hand_over_fails_clearly(client):
    """With payload storage `none` segments travel inline; rather than sending a hand-over
    Temporal would refuse (and leaving the run stuck), the run fails saying what to configure."""
    registry = AgentRegistry([Agent(name="a", tools=[bulky], model=_stepper(100, tool="bulky"))])
    async with _worker(client, registry) as r:
        with pytest.raises(WorkflowFailureError) as info:
            await r.run("a", max_turns=100, continue_as_new_after_turns=2)
    error = info.value.cause
    assert isinstance(error, ApplicationError)
    assert error.type == "RunStateTooLarge", error
    assert "DURABLE_AGENTS_PAYLOAD_STORAGE" in error.message
    assert error.non_retryable

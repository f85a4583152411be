"""Run events through `AgentClient.stream_events` / `run_streamed`, against a real dev server: what
a run publishes, in which order, with which offsets, across continue-as-new and however it ends.
Runs whose offsets are checked one by one are started without raw model events (token deltas,
see test_raw_events.py), which take offsets too.

Tools that must not finish before the reader has seen them wait on a gate the reader opens, so
no assertion depends on timing."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import pytest

from client import AgentClient, RunNotFoundError, RunResultStreaming
from durable_agents import (
    Agent,
    AgentRegistry,
    MaxTurnsExceeded,
    RunCancelledError,
    ToolContext,
    function_tool,
)
from durable_agents.items import assistant_message, function_call
from durable_agents.models import ModelRequest
from durable_agents.stream_events import (
    AgentUpdatedStreamEvent,
    RawResponsesStreamEvent,
    RunItemStreamEvent,
    StreamEvent,
)
from durable_agents.testing import ScriptedModel
from workflows.handoff_plan import MULTIPLE_HANDOFFS_MESSAGE

_FAST = timedelta(milliseconds=10)
"""Readers poll often, so the tests are quick; correctness does not depend on it."""

# --- a multi-agent run: reasoning, tools, two handoffs in one turn, parallel tools -----------


@function_tool
def lookup(order: str) -> str:
    """Look an order up.

    Args:
        order: The order id.
    """
    return f"order {order}: 5.00 EUR"


@function_tool
def refund(order: str, amount: float) -> dict:
    """Refund an order."""
    return {"order": order, "refunded": amount}


@function_tool
def get_weather(city: str) -> str:
    """Current weather for a city."""
    return f"sunny in {city}"


REASONING = {
    "type": "reasoning",
    "id": "rs_1",
    "summary": [{"type": "summary_text", "text": "Look the order up first."}],
}


def _desk_script(request: ModelRequest) -> Any:
    turn = request.call_context.turn
    if turn == 1:
        return [REASONING, function_call("lookup", {"order": "A1"}, call_id="t0")]
    if turn == 2:
        return [
            assistant_message("Passing you to billing."),
            function_call("transfer_to_billing", {}, call_id="h1"),
            function_call("transfer_to_support", {}, call_id="h2"),
        ]
    if turn == 3:
        return [
            function_call("refund", {"order": "A1", "amount": 5.0}, call_id="t1"),
            function_call("get_weather", {"city": "Oslo"}, call_id="t2"),
        ]
    return "Refunded A1; it is sunny in Oslo."


desk_model = ScriptedModel(_desk_script)
billing = Agent(name="billing", tools=[refund, get_weather], model=desk_model)
support = Agent(name="support", model=desk_model)
triage = Agent(name="triage", tools=[lookup], handoffs=[billing, support], model=desk_model)

DESK_EVENTS = [
    ("agent_updated", "triage"),
    ("reasoning_item_created", "triage"),
    ("tool_called", "triage"),
    ("tool_output", "triage"),
    ("message_output_created", "triage"),
    ("handoff_requested", "triage"),
    ("handoff_requested", "triage"),
    ("tool_output", "triage"),  # the second handoff is refused
    ("handoff_occured", "triage"),
    ("agent_updated", "billing"),
    ("tool_called", "billing"),
    ("tool_called", "billing"),
    ("tool_output", "billing"),
    ("tool_output", "billing"),
    ("message_output_created", "billing"),
]


def _shape(event: StreamEvent) -> tuple[str, str]:
    if isinstance(event, AgentUpdatedStreamEvent):
        return ("agent_updated", event.new_agent.name)
    return (event.name, event.item.agent_name)


def _shapes(events: list[StreamEvent]) -> list[tuple[str, str]]:
    """The shapes of the run item and agent events, raw model events left out."""
    return [_shape(e) for e in events if not isinstance(e, RawResponsesStreamEvent)]


def _items(events: list[StreamEvent]) -> list[Any]:
    return [e.item for e in events if isinstance(e, RunItemStreamEvent)]


async def _read(stream: Any, on_event: Any = None, *, limit: float = 60) -> list[StreamEvent]:
    """Every event until the stream ends; `limit` only turns a hang into a failure."""

    async def read() -> list[StreamEvent]:
        events = []
        async for event in stream:
            events.append(event)
            if on_event is not None:
                on_event(event)
        return events

    return await asyncio.wait_for(read(), limit)


async def test_a_multi_agent_run_streams_its_events_in_order(harness_for):
    async with harness_for(AgentRegistry([triage])) as h:
        agents = AgentClient(h.client, task_queue=h.task_queue)
        run = await agents.run_streamed("triage", "Refund A1 please", stream_raw_events=False)
        assert isinstance(run, RunResultStreaming)
        events = await _read(run.stream_events(poll_cooldown=_FAST))
        result = await run.result()

    assert [_shape(e) for e in events] == DESK_EVENTS
    assert [e.offset for e in events] == list(range(len(DESK_EVENTS)))
    assert _items(events) == result.new_items
    assert result.status == "completed" and result.last_agent_name == "billing"

    by_offset = {e.offset: e for e in events}
    assert by_offset[1].item.raw_item["summary"][0]["text"] == "Look the order up first."
    assert by_offset[2].item.raw_item["name"] == "lookup"
    assert by_offset[3].item.output == "order A1: 5.00 EUR"
    assert [by_offset[i].item.raw_item["name"] for i in (5, 6)] == [
        "transfer_to_billing",
        "transfer_to_support",
    ]
    refused = by_offset[7].item
    assert refused.raw_item["call_id"] == "h2" and refused.output == MULTIPLE_HANDOFFS_MESSAGE
    handoff = by_offset[8].item
    assert (handoff.source_agent, handoff.target_agent) == ("triage", "billing")
    assert json.loads(handoff.raw_item["output"]) == {"assistant": "billing"}
    assert [by_offset[i].item.raw_item["call_id"] for i in (10, 11, 12, 13)] == [
        "t1",
        "t2",
        "t1",
        "t2",
    ]
    assert by_offset[12].item.output == {"order": "A1", "refunded": 5.0}
    assert by_offset[14].item.raw_item["content"][0]["text"] == result.final_output


async def test_a_finished_run_streams_all_its_events_from_any_offset(harness_for):
    async with harness_for(AgentRegistry([triage])) as h:
        agents = AgentClient(h.client, task_queue=h.task_queue)
        result = await agents.run("triage", "Refund A1 please", run_id="stream-after-the-end")

        events = await _read(agents.stream_events("stream-after-the-end"))
        assert [_shape(e) for e in events] == DESK_EVENTS
        assert [e.offset for e in events] == list(range(len(DESK_EVENTS)))
        assert _items(events) == result.new_items

        for k in (1, 8, len(events) - 1, len(events)):
            tail = await _read(agents.stream_events("stream-after-the-end", from_offset=k))
            assert tail == events[k:], k


# --- a long run that continues as new every two turns ----------------------------------------

STEP_TURNS = 7
gates: dict[str, asyncio.Event] = {}


def _gate(key: str) -> asyncio.Event:
    return gates.setdefault(key, asyncio.Event())


@function_tool
async def step(ctx: ToolContext, n: int) -> str:
    """One step; waits until the test's reader has seen its call.

    Args:
        n: Which step.
    """
    await _gate(ctx.idempotency_key).wait()
    return f"step {n} done"


def _loop_script(request: ModelRequest) -> Any:
    return function_call("step", {"n": 0}, call_id=f"c{request.call_context.turn}")


def _stepper_script(request: ModelRequest) -> Any:
    turn = request.call_context.turn
    if turn <= STEP_TURNS:
        return function_call("step", {"n": turn}, call_id=f"s{turn}")
    return f"done after {STEP_TURNS} steps"


stepper = Agent(name="stepper", tools=[step], model=ScriptedModel(_stepper_script))
looper = Agent(
    name="looper",
    tools=[step],
    model=ScriptedModel(
        lambda r: function_call("step", {"n": 0}, call_id=f"c{r.call_context.turn}")
    ),
)


def _opener(run_id: str):
    """Opens a tool call's gate once the reader has seen the call."""

    def on_event(event: StreamEvent) -> None:
        if isinstance(event, RunItemStreamEvent) and event.name == "tool_called":
            _gate(f"{run_id}:{event.item.raw_item['call_id']}").set()

    return on_event


def _open_all() -> None:
    for gate in gates.values():
        gate.set()


async def test_a_run_that_continues_as_new_streams_each_event_once(harness_for):
    async with harness_for(AgentRegistry([stepper])) as h:
        agents = AgentClient(h.client, task_queue=h.task_queue)
        try:
            run = await agents.run_streamed(
                "stepper",
                "go",
                max_turns=20,
                continue_as_new_after_turns=2,
                stream_raw_events=False,
            )
            live = await _read(run.stream_events(poll_cooldown=_FAST), _opener(run.run_id))
        finally:
            _open_all()
        result = await run.result()
        progress = await agents.progress(run.run_id)
        after = await _read(run.stream_events())
        from_third_run = await _read(run.stream_events(from_offset=10))

    assert progress.continued_runs == 3  # turns 1-2, 3-4, 5-6, 7-8
    expected = [("agent_updated", "stepper")]
    expected += [("tool_called", "stepper"), ("tool_output", "stepper")] * STEP_TURNS
    expected += [("message_output_created", "stepper")]
    assert [_shape(e) for e in live] == expected
    assert [e.offset for e in live] == list(range(len(expected)))
    assert _items(live) == result.new_items
    steps = [
        json.loads(i.raw_item["arguments"])["n"] for i in _items(live) if i.type == "tool_call_item"
    ]
    assert steps == list(range(1, STEP_TURNS + 1))

    # After the end the stream keeps only the final run's events; the earlier runs' events
    # come from the item store, so a reader from any offset still gets every event once.
    assert after == live
    assert from_third_run == live[10:]


async def test_cancel_after_turn_ends_the_stream_with_the_turns_events(harness_for):
    async with harness_for(AgentRegistry([looper])) as h:
        agents = AgentClient(h.client, task_queue=h.task_queue)
        run = await agents.run_streamed("looper", "go", max_turns=20)
        cancelled = False

        def on_event(event: StreamEvent) -> None:
            nonlocal cancelled
            if isinstance(event, RunItemStreamEvent) and event.name == "tool_called":
                assert not cancelled, "no turn starts after the cancel"
                cancelled = True
                # Asked before the tool can finish, so the run stops after this turn.
                asyncio.get_running_loop().create_task(cancel_then_open(event))

        async def cancel_then_open(event: RunItemStreamEvent) -> None:
            await run.cancel(mode="after_turn")
            _gate(f"{run.run_id}:{event.item.raw_item['call_id']}").set()

        try:
            events = await _read(run.stream_events(poll_cooldown=_FAST), on_event)
        finally:
            _open_all()
        result = await run.result()

    assert result.status == "cancelled" and result.current_turn == 1
    assert _shapes(events) == [
        ("agent_updated", "looper"),
        ("tool_called", "looper"),
        ("tool_output", "looper"),
    ]
    assert _items(events) == result.new_items


async def test_immediate_cancel_ends_the_stream(harness_for):
    async with harness_for(AgentRegistry([looper])) as h:
        agents = AgentClient(h.client, task_queue=h.task_queue)
        run = await agents.run_streamed("looper", "go", max_turns=20)
        seen: list[StreamEvent] = []
        try:
            async for event in run.stream_events(poll_cooldown=_FAST):
                seen.append(event)
                if isinstance(event, RunItemStreamEvent) and event.name == "tool_called":
                    await run.cancel()  # the tool is still waiting at its gate
            with pytest.raises(RunCancelledError):
                await run.result()
        finally:
            _open_all()

    assert _shapes(seen) == [("agent_updated", "looper"), ("tool_called", "looper")]


async def test_a_failed_run_streams_its_events_then_ends(harness_for):
    async with harness_for(AgentRegistry([looper])) as h:
        agents = AgentClient(h.client, task_queue=h.task_queue)
        run = await agents.run_streamed("looper", "go", max_turns=3, stream_raw_events=False)
        try:
            events = await _read(run.stream_events(poll_cooldown=_FAST), _opener(run.run_id))
        finally:
            _open_all()
        with pytest.raises(MaxTurnsExceeded) as failure:
            await run.result()

    expected = [("agent_updated", "looper")]
    expected += [("tool_called", "looper"), ("tool_output", "looper")] * 3
    assert [_shape(e) for e in events] == expected
    assert [e.offset for e in events] == list(range(len(expected)))
    assert failure.value.run_data is not None
    assert _items(events) == failure.value.run_data.new_items


async def test_a_run_that_ended_before_any_worker_ran_it_has_no_events(client):
    agents = AgentClient(client, task_queue="a-queue-no-worker-serves")
    run = await agents.run_streamed("looper", "go")
    await client.get_workflow_handle(run.run_id).terminate("no worker")
    assert await _read(run.stream_events()) == []


async def test_streaming_an_unknown_run_raises_run_not_found(client):
    agents = AgentClient(client)
    with pytest.raises(RunNotFoundError):
        await _read(agents.stream_events("no-such-run-to-stream"))
    with pytest.raises(ValueError):
        await _read(agents.stream_events("no-such-run-to-stream", from_offset=-1))


async def test_a_reader_that_falls_behind_a_continue_as_new_gets_the_stored_events(harness_for):
    """The reader takes one event, then pauses while the run goes through a continue-as-new
    into a last run that publishes nothing (max turns ends it at once): the events it missed
    are gone from the stream, and it gets them from the item store when it reads on."""
    async with harness_for(AgentRegistry([stepper])) as h:
        agents = AgentClient(h.client, task_queue=h.task_queue)
        run = await agents.run_streamed(
            "stepper", "go", max_turns=2, continue_as_new_after_turns=2, stream_raw_events=False
        )
        reader = run.stream_events(poll_cooldown=_FAST)
        first = await asyncio.wait_for(anext(reader), 60)
        for call_id in ("s1", "s2"):
            _gate(f"{run.run_id}:{call_id}").set()
        with pytest.raises(MaxTurnsExceeded):
            await run.result()
        rest = await _read(reader)
        progress = await agents.progress(run.run_id)

    assert progress.continued_runs == 1
    events = [first, *rest]
    assert [_shape(e) for e in events] == [
        ("agent_updated", "stepper"),
        ("tool_called", "stepper"),
        ("tool_output", "stepper"),
        ("tool_called", "stepper"),
        ("tool_output", "stepper"),
    ]
    assert [e.offset for e in events] == [0, 1, 2, 3, 4]

"""Sessions: a run with a `session_id` starts from the session's history and saves its input
and each turn to it, as the reference's `Runner.run(..., session=...)` does."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from client import AgentClient
from durable_agents import (
    Agent,
    AgentRegistry,
    GuardrailFunctionOutput,
    MaxTurnsExceeded,
    ModelRequest,
    SessionABC,
    SQLiteSession,
    UserError,
    function_tool,
    input_guardrail,
    output_guardrail,
)
from durable_agents.items import assistant_message, function_call
from durable_agents.models import TResponseInputItem
from durable_agents.testing import ScriptedModel
from protocol.run import RunInput
from workflows.agent_run import AgentRunWorkflow


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def reply_to_last_user(request: ModelRequest) -> str:
    texts = [i["content"] for i in request.input if i.get("role") == "user"]
    return f"re: {texts[-1]}"


def sessions_in(path: Path) -> Any:
    return lambda session_id: SQLiteSession(session_id, path)


async def items_of(path: Path, session_id: str) -> list[TResponseInputItem]:
    return await SQLiteSession(session_id, path).get_items()


async def activity_summaries(handle: WorkflowHandle[Any, Any]) -> list[tuple[str, str]]:
    """(activity type, summary) of every activity the run scheduled, in order."""
    found = []
    async for event in handle.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            attrs = event.activity_task_scheduled_event_attributes
            summary = json.loads(event.user_metadata.summary.data or b'""')
            found.append((attrs.activity_type.name, summary))
    return found


async def started_input(handle: WorkflowHandle[Any, Any]) -> Any:
    """The run input the client sent, as recorded in the run's first event."""
    async for event in handle.fetch_history_events():
        payload = event.workflow_execution_started_event_attributes.input.payloads[0]
        return json.loads(payload.data)["input"]


async def test_a_second_run_starts_from_the_first_runs_input_and_items(harness_for, tmp_path):
    db = tmp_path / "sessions.sqlite"
    model = ScriptedModel(reply_to_last_user)
    guardrail_saw: list[Any] = []

    @input_guardrail
    def record(ctx, agent, input) -> GuardrailFunctionOutput:
        guardrail_saw.append(input)
        return GuardrailFunctionOutput(tripwire_triggered=False)

    agent = Agent(name="a", model=model, input_guardrails=[record])
    registry = AgentRegistry([agent], session_factory=sessions_in(db))
    async with harness_for(registry) as h:
        first = await h.run("a", "hello", session_id="chat-1")
        handle = await h.start("a", "again", session_id="chat-1")
        second = await handle.result()
        summaries = await activity_summaries(handle)
        sent = await started_input(handle)
        history = await handle.fetch_history()
    replayer = Replayer(workflows=[AgentRunWorkflow], data_converter=pydantic_data_converter)
    await replayer.replay_workflow(history)  # deterministic: no I/O in the workflow

    first_reply = first.new_items[0].to_input_item()
    expected = [user("hello"), first_reply, user("again")]
    assert first.final_output == "re: hello" and second.final_output == "re: again"
    assert model.requests[-1].input == expected
    # The model, the result's input and the input guardrail see history + input; the run's
    # recorded input stays what the client sent.
    assert second.input == expected and guardrail_saw[-1] == expected
    assert sent == "again"
    assert await items_of(db, "chat-1") == expected + [second.new_items[0].to_input_item()]
    assert ("agents.session_prepare", "session: load chat-1") in summaries
    assert summaries[-1] == ("agents.session_add", "session: add 1 items")


async def test_different_sessions_do_not_mix_and_runs_without_one_add_nothing(
    harness_for, tmp_path
):
    db = tmp_path / "sessions.sqlite"
    model = ScriptedModel(reply_to_last_user)
    registry = AgentRegistry([Agent(name="a", model=model)], session_factory=sessions_in(db))
    async with harness_for(registry) as h:
        await h.run("a", "for x", session_id="x")
        await h.run("a", "for y", session_id="y")
        handle = await h.start("a", "no session")
        await handle.result()
        no_session = await activity_summaries(handle)
        await h.run("a", "x again", session_id="x")
    assert model.requests[-1].input == [
        user("for x"),
        assistant_message("re: for x"),
        user("x again"),
    ]
    assert await items_of(db, "y") == [user("for y"), assistant_message("re: for y")]
    assert len(await items_of(db, "x")) == 4
    assert [name for name, _ in no_session] == ["agents.model_turn"]


@function_tool
def lookup(order: str) -> str:
    """Look an order up."""
    return f"order {order}: shipped"


def triage_and_billing(billing_script: Any) -> tuple[Agent[Any], ScriptedModel]:
    billing_model = ScriptedModel(billing_script)
    billing = Agent(name="billing", model=billing_model, tools=[lookup])
    triage = Agent(
        name="triage",
        handoffs=[billing],
        model=ScriptedModel([[function_call("transfer_to_billing", {}, call_id="h1")]]),
    )
    return triage, billing_model


async def test_tool_and_handoff_turns_are_saved_each_turn_when_max_turns_ends_the_run(
    harness_for, tmp_path
):
    db = tmp_path / "sessions.sqlite"

    def billing_forever(request: ModelRequest) -> Any:
        turn = request.call_context.turn
        return function_call("lookup", {"order": str(turn)}, call_id=f"c{turn}")

    triage, _ = triage_and_billing(billing_forever)
    registry = AgentRegistry([triage], session_factory=sessions_in(db))
    async with harness_for(registry) as h:
        handle = await h.start("triage", "where is my order?", session_id="s", max_turns=3)
        agents = AgentClient(h.client, task_queue=h.task_queue)
        with pytest.raises(MaxTurnsExceeded) as info:
            await agents.result(handle.id)
        summaries = await activity_summaries(handle)

    run = info.value.run_data
    assert run is not None
    assert [i.type for i in run.new_items] == [
        "handoff_call_item",
        "handoff_output_item",
        "tool_call_item",
        "tool_call_output_item",
        "tool_call_item",
        "tool_call_output_item",
    ]
    # The unfiltered items (not the nested handoff history the model saw), turn by turn.
    assert await items_of(db, "s") == [user("where is my order?")] + [
        i.to_input_item() for i in run.new_items
    ]
    adds = [summary for name, summary in summaries if name == "agents.session_add"]
    assert adds == ["session: add 2 items"] * 3


async def test_a_run_cancelled_after_a_turn_keeps_its_turns(harness_for, tmp_path):
    db = tmp_path / "sessions.sqlite"
    started, release = asyncio.Event(), asyncio.Event()

    @function_tool
    async def wait_for_test() -> str:
        """Waits until the test lets it go."""
        started.set()
        await release.wait()
        return "released"

    model = ScriptedModel(
        lambda r: function_call("wait_for_test", {}, call_id=f"c{r.call_context.turn}")
    )
    agent = Agent(name="a", model=model, tools=[wait_for_test])
    registry = AgentRegistry([agent], session_factory=sessions_in(db))
    async with harness_for(registry) as h:
        handle = await h.start("a", "work", session_id="s", max_turns=10)
        await asyncio.wait_for(started.wait(), 10)
        await handle.signal("cancel_after_turn")
        release.set()
        result = await handle.result()
    assert result.status == "cancelled" and result.current_turn == 1
    assert await items_of(db, "s") == [user("work")] + [
        function_call("wait_for_test", {}, call_id="c1"),
        {"type": "function_call_output", "call_id": "c1", "output": "released"},
    ]


async def test_a_list_input_without_a_callback_is_a_user_error(harness_for, tmp_path):
    db = tmp_path / "sessions.sqlite"
    model = ScriptedModel(["never"])
    registry = AgentRegistry([Agent(name="a", model=model)], session_factory=sessions_in(db))
    async with harness_for(registry) as h:
        agents = AgentClient(h.client, task_queue=h.task_queue)
        with pytest.raises(UserError) as info:
            await agents.run("a", [user("hi")], session_id="s")
    assert "list inputs require a `session_input_callback`" in info.value.message
    assert model.requests == []
    assert await items_of(db, "s") == []


async def test_the_registry_callback_shapes_what_the_model_sees(harness_for, tmp_path):
    db = tmp_path / "sessions.sqlite"
    await SQLiteSession("s", db).add_items([user("old 1"), user("old 2"), user("old 3")])
    calls: list[tuple[list, list]] = []

    async def last_one_of_history(history, new_input):
        calls.append((history, new_input))
        return history[-1:] + new_input

    model = ScriptedModel(reply_to_last_user)
    registry = AgentRegistry(
        [Agent(name="a", model=model)],
        session_factory=sessions_in(db),
        session_input_callback=last_one_of_history,
    )
    new_input = [user("new a"), user("new b")]
    async with harness_for(registry) as h:
        result = await h.run("a", new_input, session_id="s")
    assert calls == [([user("old 1"), user("old 2"), user("old 3")], new_input)]
    assert model.requests[0].input == [user("old 3"), *new_input]
    # The session keeps the new input as sent, not the callback's result.
    assert await items_of(db, "s") == [
        user("old 1"),
        user("old 2"),
        user("old 3"),
        *new_input,
        result.new_items[0].to_input_item(),
    ]


failed_once: set[str] = set()


class LosesTheFirstAnswer(SessionABC):
    """Commits each keyed batch, then fails the first call for it, as a worker that dies after
    the write but before reporting the activity done: the activity is retried."""

    def __init__(self, session_id: str, path: Path) -> None:
        self.session_id = session_id
        self.inner = SQLiteSession(session_id, path)

    async def get_items(self, limit: int | None = None) -> list[TResponseInputItem]:
        return await self.inner.get_items(limit)

    async def add_items(self, items: list[TResponseInputItem]) -> None:
        raise AssertionError("the activities use add_items_once when a session has it")

    async def add_items_once(self, key: str, items: list[TResponseInputItem]) -> bool:
        added = await self.inner.add_items_once(key, items)
        if key not in failed_once:
            failed_once.add(key)
            raise ConnectionError("lost the answer after the commit")
        return added

    async def pop_item(self) -> TResponseInputItem | None:
        return await self.inner.pop_item()

    async def clear_session(self) -> None:
        await self.inner.clear_session()


async def test_retried_session_activities_do_not_duplicate_items(harness_for, tmp_path):
    failed_once.clear()
    db = tmp_path / "sessions.sqlite"
    await SQLiteSession("s", db).add_items([user("before")])
    model = ScriptedModel(
        [[function_call("lookup", {"order": "7"}, call_id="c1")], "order 7 is shipped"]
    )
    registry = AgentRegistry(
        [Agent(name="a", model=model, tools=[lookup])],
        session_factory=lambda sid: LosesTheFirstAnswer(sid, db),
    )
    async with harness_for(registry) as h:
        handle = await h.start("a", "status of 7?", session_id="s")
        result = await handle.result()
        summaries = await activity_summaries(handle)
    assert len(failed_once) == 3  # the input, turn 1, turn 2: each failed once, then retried
    # The retried load still gives the model the history once, then the input once.
    assert model.requests[0].input == [user("before"), user("status of 7?")]
    assert await items_of(db, "s") == [user("before"), user("status of 7?")] + [
        i.to_input_item() for i in result.new_items
    ]
    assert [n for n, _ in summaries if n.startswith("agents.session")] == [
        "agents.session_prepare",
        "agents.session_add",
        "agents.session_add",
    ]


async def test_a_run_that_continues_as_new_saves_each_turn_once(harness_for, tmp_path):
    db = tmp_path / "sessions.sqlite"

    def script(request: ModelRequest) -> Any:
        turn = request.call_context.turn
        if turn <= 5:
            return function_call("lookup", {"order": str(turn)}, call_id=f"c{turn}")
        return "all looked up"

    model = ScriptedModel(script)
    registry = AgentRegistry(
        [Agent(name="a", model=model, tools=[lookup])], session_factory=sessions_in(db)
    )
    async with harness_for(registry) as h:
        result = await h.run(
            "a", "look them up", session_id="s", max_turns=10, continue_as_new_after_turns=2
        )
    assert len(result.new_items) == 11
    assert await items_of(db, "s") == [user("look them up")] + [
        i.to_input_item() for i in result.new_items
    ]


async def test_with_a_server_managed_conversation_the_first_call_sends_history_and_input(
    harness_for, tmp_path
):
    # As in the reference: a session is not refused with conversation_id or
    # previous_response_id; the first request carries the prepared input.
    db = tmp_path / "sessions.sqlite"
    await SQLiteSession("s", db).add_items([user("earlier"), assistant_message("noted")])
    model = ScriptedModel(reply_to_last_user)
    registry = AgentRegistry([Agent(name="a", model=model)], session_factory=sessions_in(db))
    async with harness_for(registry) as h:
        await h.run("a", "now", session_id="s", conversation_id="conv_1")
    assert model.requests[0].input == [user("earlier"), assistant_message("noted"), user("now")]
    assert model.requests[0].conversation_id == "conv_1"


def test_an_empty_session_id_is_refused():
    with pytest.raises(ValueError):
        RunInput(agent_name="a", input="x", session_id="")


async def test_a_tripped_guardrail_keeps_the_input_but_not_the_turn(harness_for, tmp_path):
    # As in the reference: the new input is saved before the run starts; a turn whose input
    # or output guardrail trips is not.
    db = tmp_path / "sessions.sqlite"

    @input_guardrail
    def no_secrets(ctx, agent, input) -> GuardrailFunctionOutput:
        return GuardrailFunctionOutput(tripwire_triggered="secret" in json.dumps(input))

    @output_guardrail
    def no_shouting(ctx, agent, output) -> GuardrailFunctionOutput:
        return GuardrailFunctionOutput(tripwire_triggered=output.isupper())

    agent = Agent(
        name="a",
        model=ScriptedModel(lambda r: "LOUD" if "shout" in reply_to_last_user(r) else "ok"),
        input_guardrails=[no_secrets],
        output_guardrails=[no_shouting],
    )
    registry = AgentRegistry([agent], session_factory=sessions_in(db))
    async with harness_for(registry) as h:
        assert (await h.run_failure("a", "a secret", session_id="s")).type == (
            "InputGuardrailTripwireTriggered"
        )
        # The guardrail sees the history too, so the session that tripped it trips it again.
        assert (await h.run_failure("a", "hi", session_id="s")).type == (
            "InputGuardrailTripwireTriggered"
        )
        assert (await h.run_failure("a", "shout", session_id="t")).type == (
            "OutputGuardrailTripwireTriggered"
        )
    assert await items_of(db, "s") == [user("a secret"), user("hi")]
    assert await items_of(db, "t") == [user("shout")]

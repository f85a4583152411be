"""Token-level streaming: a run started with `stream_raw_events` (as `run_streamed` does) gets its
model's stream events (`raw_response_event`) in its stream, published by the model activity, with
the run item events exactly as without them, across continue-as-new too."""

from __future__ import annotations

from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseOutputMessage,
    ResponseTextDeltaEvent,
)

from client import AgentClient
from durable_agents import Agent, AgentRegistry, RawResponsesStreamEvent
from durable_agents.stream_events import RunItemStreamEvent, StreamEvent
from durable_agents.testing import ScriptedModel

from .test_streaming import (
    _FAST,
    STEP_TURNS,
    _items,
    _open_all,
    _opener,
    _read,
    _shape,
    _stepper_script,
    step,
)

STORY = "Once upon a time, a run streamed its tokens, and every reader saw them."

writer = Agent(name="writer", model=ScriptedModel([STORY], stream_chunk_size=5))
stepper = Agent(
    name="stepper", tools=[step], model=ScriptedModel(_stepper_script, stream_chunk_size=3)
)


def _raw(events: list[StreamEvent], kind: str | None = None) -> list[RawResponsesStreamEvent]:
    return [
        e for e in events if isinstance(e, RawResponsesStreamEvent) and kind in (None, e.data.type)
    ]


def _not_raw(events: list[StreamEvent]) -> list[StreamEvent]:
    return [e for e in events if not isinstance(e, RawResponsesStreamEvent)]


def _text(events: list[StreamEvent]) -> str:
    deltas = [e.data for e in _raw(events, "response.output_text.delta")]
    assert all(isinstance(data, ResponseTextDeltaEvent) for data in deltas)
    return "".join(data.delta for data in deltas)


async def test_a_streamed_run_publishes_token_deltas_before_the_message(harness_for):
    async with harness_for(AgentRegistry([writer])) as h:
        agents = AgentClient(h.client, task_queue=h.task_queue)
        run = await agents.run_streamed("writer", "Tell me a story")
        events = await _read(run.stream_events(poll_cooldown=_FAST))
        result = await run.result()
        again = await _read(agents.stream_events(run.run_id))

    raw = _raw(events)
    deltas = _raw(events, "response.output_text.delta")
    [message] = [e for e in events if isinstance(e, RunItemStreamEvent)]
    assert message.name == "message_output_created"
    assert len(deltas) == -(-len(STORY) // 5)  # one per chunk of five characters
    assert _text(events) == STORY == result.final_output
    assert max(e.offset for e in raw) < message.offset
    assert [e.offset for e in events] == list(range(len(events)))
    assert [e.data.sequence_number for e in raw] == list(range(len(raw)))  # one attempt
    # The openai event types, as the reference streams them, with the fields it always sets.
    assert all(isinstance(e.data, ResponseTextDeltaEvent) for e in deltas)
    assert all(e.data.logprobs == [] and e.data.item_id == "msg" for e in deltas)
    completed = raw[-1].data
    assert isinstance(completed, ResponseCompletedEvent)
    assert isinstance(completed.response, Response)
    assert completed.response.id == result.raw_responses[0].response_id
    [output] = completed.response.output
    assert isinstance(output, ResponseOutputMessage)
    assert output.content[0].text == STORY
    # The event as it went over the wire: the model's dict, exactly.
    wire = raw[-1].model_dump(mode="json")["data"]
    assert wire["response"]["output"] == result.raw_responses[0].output
    assert _items(events) == result.new_items
    assert again == events  # the ended run's stream still holds them


async def test_a_run_started_without_the_flag_has_no_raw_events(harness_for):
    async with harness_for(AgentRegistry([writer])) as h:
        agents = AgentClient(h.client, task_queue=h.task_queue)
        started = await agents.run_streamed("writer", "Tell me a story", stream_raw_events=False)
        plain = await agents.start("writer", "Tell me a story")
        for run_id in (started.run_id, plain):
            result = await agents.result(run_id)
            events = await _read(agents.stream_events(run_id))
            assert [_shape(e) for e in events] == [
                ("agent_updated", "writer"),
                ("message_output_created", "writer"),
            ]
            assert [e.offset for e in events] == [0, 1]
            assert result.final_output == STORY


async def test_raw_events_and_continue_as_new_keep_each_item_event_once(harness_for):
    async with harness_for(AgentRegistry([stepper])) as h:
        agents = AgentClient(h.client, task_queue=h.task_queue)
        try:
            run = await agents.run_streamed(
                "stepper", "go", max_turns=20, continue_as_new_after_turns=2
            )
            live = await _read(run.stream_events(poll_cooldown=_FAST), _opener(run.run_id))
        finally:
            _open_all()
        result = await run.result()
        after = await _read(run.stream_events())
        items = _not_raw(live)
        from_second_run = await _read(run.stream_events(from_offset=items[5].offset))

    expected = [("agent_updated", "stepper")]
    expected += [("tool_called", "stepper"), ("tool_output", "stepper")] * STEP_TURNS
    expected += [("message_output_created", "stepper")]
    assert [_shape(e) for e in items] == expected
    assert _items(live) == result.new_items
    offsets = [e.offset for e in live]
    assert offsets == sorted(set(offsets))
    # The live reader saw every model call stream (each call's events come before the tool
    # call the reader has to see before the run can go on).
    assert len(_raw(live, "response.completed")) == STEP_TURNS + 1
    argument_deltas = [e.data for e in _raw(live, "response.function_call_arguments.delta")]
    assert all(isinstance(d, ResponseFunctionCallArgumentsDeltaEvent) for d in argument_deltas)
    arguments = "".join(d.delta for d in argument_deltas)
    assert arguments == "".join(f'{{"n": {n}}}' for n in range(1, STEP_TURNS + 1))
    assert _text(live) == result.final_output
    assert max(e.offset for e in _raw(live)) < items[-1].offset

    # After the end: every item event, at the same offsets, from the item store and the last
    # run's stream; raw events only of the last run (turns 7 and 8), not stored.
    assert _not_raw(after) == items
    assert len(_raw(after, "response.completed")) == 2
    assert all(e in live for e in _raw(after))
    assert _not_raw(from_second_run) == items[5:]
    assert all(e.offset >= items[5].offset for e in from_second_run)

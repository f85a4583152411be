"""Events a client can follow while a run goes on: the reference's stream events, published into
a durable, offset-addressed stream held by the run instead of an in-process queue.

The workflow publishes run item events (message, tool called, tool output, handoff, reasoning)
and agent updated events. A run started with `stream_raw_events` also gets `raw_response_event`s:
the model's stream events (token deltas...), published by the model activity while the model
answers. They share the stream's offsets but not its durability: see `RawResponsesStreamEvent`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter

from .items import RunItem, RunItemType

RunItemStreamEventName = Literal[
    "message_output_created",
    "handoff_requested",
    "handoff_occured",
    "tool_called",
    "tool_output",
    "reasoning_item_created",
]
"""The reference's names, its spelling of `handoff_occured` included, so ported code matches."""

EVENT_NAMES: dict[RunItemType, RunItemStreamEventName] = {
    "message_output_item": "message_output_created",
    "handoff_call_item": "handoff_requested",
    "handoff_output_item": "handoff_occured",
    "tool_call_item": "tool_called",
    "tool_call_output_item": "tool_output",
    "reasoning_item": "reasoning_item_created",
}


class RunItemStreamEvent(BaseModel):
    name: RunItemStreamEventName
    item: RunItem
    type: Literal["run_item_stream_event"] = "run_item_stream_event"
    offset: int = -1
    """Position in the run's event stream, set when read; resume a stream after it."""

    @classmethod
    def for_item(cls, item: RunItem) -> RunItemStreamEvent:
        return cls(name=EVENT_NAMES[item.type], item=item)


class AgentRef(BaseModel):
    """The agent by name: lets `event.new_agent.name` work as in the reference."""

    name: str


class AgentUpdatedStreamEvent(BaseModel):
    new_agent: AgentRef
    type: Literal["agent_updated_stream_event"] = "agent_updated_stream_event"
    offset: int = -1


class RawResponsesStreamEvent(BaseModel):
    """One event of a model's response stream, passed through as the model produced it.

    `data` is a Responses API stream event as a plain dict (`data["type"]` is e.g.
    `"response.output_text.delta"`, `data["delta"]` its text); Chat Completions chunks are
    turned into the same events. Each model call ends with a `response.completed` event whose
    `data["response"]` is the whole response.

    Raw events carry no run-item meaning and are not stored: a reader that is not following the
    run when it continues as new, or that reads an ended run of a chain, does not get the raw
    events of earlier runs (their offsets are skipped). A retried model call streams again from
    the start, so a reader may see a call's deltas (even its `response.completed`) twice: the
    run uses the last attempt's response, the last `response.completed` before the turn's run
    item events."""

    data: dict[str, Any]
    type: Literal["raw_response_event"] = "raw_response_event"
    offset: int = -1


StreamEvent = Annotated[
    RunItemStreamEvent | AgentUpdatedStreamEvent | RawResponsesStreamEvent,
    Field(discriminator="type"),
]
STREAM_EVENT_ADAPTER: TypeAdapter[StreamEvent] = TypeAdapter(StreamEvent)

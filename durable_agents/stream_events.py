"""Events a client can follow while a run goes on: the reference's stream events, published by
the workflow into a durable, offset-addressed stream instead of an in-process queue.

A run publishes run item events (message, tool called, tool output, handoff, reasoning) and agent
updated events. Token deltas (`raw_response_event`) are not published: a model call is one
activity, and its result enters the run whole.
"""

from __future__ import annotations

from typing import Annotated, Literal

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

EVENTS_TOPIC = "events"
"""The workflow stream topic every event of a run goes to."""


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


StreamEvent = Annotated[RunItemStreamEvent | AgentUpdatedStreamEvent, Field(discriminator="type")]
STREAM_EVENT_ADAPTER: TypeAdapter[StreamEvent] = TypeAdapter(StreamEvent)

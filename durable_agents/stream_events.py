"""Events a client can follow while a run goes on: the reference's stream events, published into
a durable, offset-addressed stream held by the run instead of an in-process queue.

The workflow publishes run item events (message, tool called, tool output, handoff, reasoning)
and agent updated events. A run started with `stream_raw_events` also gets `raw_response_event`s:
the model's stream events (token deltas...), published by the model activity while the model
answers. They share the stream's offsets but not its durability: see `RawResponsesStreamEvent`.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from openai import BaseModel as OpenAIModel
from openai.types.responses import ResponseStreamEvent
from pydantic import BaseModel, Field, TypeAdapter, field_serializer, field_validator

from .items import AgentRef, RunItem, RunItemType
from .models import TResponseStreamEvent

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


class AgentUpdatedStreamEvent(BaseModel):
    new_agent: AgentRef
    type: Literal["agent_updated_stream_event"] = "agent_updated_stream_event"
    offset: int = -1


def _response_event_classes() -> dict[str, type[OpenAIModel]]:
    """Each Responses API stream event class the installed openai knows, by its `type`."""
    members: tuple[type[OpenAIModel], ...] = get_args(get_args(ResponseStreamEvent)[0])
    return {kind: cls for cls in members for kind in get_args(cls.model_fields["type"].annotation)}


_RESPONSE_EVENT_CLASSES = _response_event_classes()
_RESPONSE_EVENT_TYPES = tuple(set(_RESPONSE_EVENT_CLASSES.values()))


class RawResponsesStreamEvent(BaseModel):
    """One event of a model's response stream, passed through as the model produced it.

    `data` is a Responses API stream event as the openai package types it, one of
    `openai.types.responses.ResponseStreamEvent`, as in the reference: e.g. a
    `ResponseTextDeltaEvent` (`data.type == "response.output_text.delta"`, `data.delta` its
    text). Chat Completions chunks are turned into the same events. Each model call ends with a
    `ResponseCompletedEvent` whose `data.response` (an openai `Response`) is the whole response.

    Models produce events as plain dicts (`TResponseStreamEvent`), and the run's stream carries
    them as JSON in that form: a dict whose `type` openai knows becomes its class built with
    `model_construct`, which checks nothing, so a field the model did not send is None, and
    unknown fields are kept as extras. It serialises back to the exact dict it came from (fields
    by their JSON names, unset ones left out). An event whose `type` the installed openai does
    not know (a newer API's, a provider's own) stays the plain dict, `data["type"]` its type:
    check `isinstance(event.data, ...)` before reading attributes.

    Raw events carry no run-item meaning and are not stored: a reader that is not following the
    run when it continues as new, or that reads an ended run of a chain, does not get the raw
    events of earlier runs (their offsets are skipped). A retried model call streams again from
    the start, so a reader may see a call's deltas (even its `response.completed`) twice: the
    run uses the last attempt's response, the last `response.completed` before the turn's run
    item events."""

    data: ResponseStreamEvent | TResponseStreamEvent
    type: Literal["raw_response_event"] = "raw_response_event"
    offset: int = -1

    @field_validator("data", mode="plain")
    @classmethod
    def _typed(cls, data: object) -> ResponseStreamEvent | TResponseStreamEvent:
        """Plain, not `before`: pydantic would try each of openai's event classes on a dict of
        an unknown type, for every event. openai builds the events it streams without checks
        too (`construct_type`), so the reference's events are no more checked than these."""
        if isinstance(data, _RESPONSE_EVENT_TYPES):
            return data  # type: ignore[return-value]
        if not isinstance(data, dict):
            raise ValueError(f"a raw response event's data must be a stream event, not {data!r}")
        kind = data.get("type")
        event_class = _RESPONSE_EVENT_CLASSES.get(kind) if isinstance(kind, str) else None
        if event_class is None:
            return data
        return event_class.model_construct(**data)  # type: ignore[return-value]

    @field_serializer("data")
    def _as_sent(self, data: ResponseStreamEvent | TResponseStreamEvent) -> TResponseStreamEvent:
        """The dict the model sent. Without warnings: a constructed event may hold what its
        annotations do not expect (a provider's odd field), which still serialises as it is."""
        if isinstance(data, dict):
            return data
        return data.model_dump(mode="json", by_alias=True, exclude_unset=True, warnings=False)


StreamEvent = Annotated[
    RunItemStreamEvent | AgentUpdatedStreamEvent | RawResponsesStreamEvent,
    Field(discriminator="type"),
]
STREAM_EVENT_ADAPTER: TypeAdapter[StreamEvent] = TypeAdapter(StreamEvent)

"""Inputs and outputs of the agent activities: everything that crosses into workflow history."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from durable_agents.guardrail import GuardrailFunctionOutput, ToolGuardrailResult
from durable_agents.items import RunItem
from durable_agents.model_settings import ModelSettings
from durable_agents.models import ModelResponse, TResponseInputItem
from durable_agents.spec import RunSpecs
from durable_agents.stream_events import StreamEvent
from durable_agents.usage import RequestUsage, Usage

CONVERSATION_QUERY = "conversation"
"""The workflow query a model activity uses to fetch a conversation its worker does not hold."""


class RunSegment(BaseModel):
    """What one run of a continue-as-new chain generated: written once to the item store when
    the run continues as new, so the next run carries a reference instead of the items."""

    generated_items: list[RunItem] = Field(default_factory=list)
    """Model-facing items (the conversation after the original input)."""
    session_items: list[RunItem] = Field(default_factory=list)
    raw_responses: list[ModelResponse] = Field(default_factory=list)
    request_usage_entries: list[RequestUsage] = Field(default_factory=list)
    tool_input_guardrail_results: list[ToolGuardrailResult] = Field(default_factory=list)
    tool_output_guardrail_results: list[ToolGuardrailResult] = Field(default_factory=list)
    events: list[StreamEvent] = Field(default_factory=list)
    """The run's stream events, so a reader can still get them once the stream moved on."""

    def extend(self, other: RunSegment) -> None:
        self.generated_items.extend(other.generated_items)
        self.session_items.extend(other.session_items)
        self.raw_responses.extend(other.raw_responses)
        self.request_usage_entries.extend(other.request_usage_entries)
        self.tool_input_guardrail_results.extend(other.tool_input_guardrail_results)
        self.tool_output_guardrail_results.extend(other.tool_output_guardrail_results)


class SegmentRef(BaseModel):
    """A stored segment: a claim in the payload store, or the segment itself when the worker
    has no external storage (then it is carried inline, and its size counts)."""

    driver: str | None = None
    claim: dict[str, str] = Field(default_factory=dict)
    inline: RunSegment | None = None
    size_bytes: int = 0
    generated_count: int = 0
    session_count: int = 0
    events_from: int = 0
    """The stream offset of the segment's first event."""
    event_count: int = 0
    events_end: int | None = None
    """One past the offset of the segment's last event. Raw model events, which are not
    stored, may sit between its events; None (segments stored before them): `events_from +
    event_count`."""

    @property
    def events_until(self) -> int:
        return (
            self.events_end if self.events_end is not None else self.events_from + self.event_count
        )


class StoreSegmentInput(BaseModel):
    run_id: str
    segment: RunSegment
    events_from: int = 0


class LoadSegmentsInput(BaseModel):
    segments: list[SegmentRef]
    generated_only: bool = False
    """Only the model-facing items are wanted (a handoff rewriting the conversation)."""


class NestHistoryInput(BaseModel):
    """Nesting the handoff history of a run that continued as new: part of the transcript is
    in stored segments, so it is nested in an activity rather than in the workflow."""

    original_input: str | list[TResponseInputItem]
    segments: list[SegmentRef]
    generated_items: list[RunItem]
    new_items: list[RunItem]


class NestHistoryOutput(BaseModel):
    input_history: list[TResponseInputItem]
    generated_items: list[RunItem]


class ConversationSnapshot(BaseModel):
    key: str
    items: list[TResponseInputItem]
    """The conversation; after a continue-as-new, only the part after `segments`."""
    head: list[TResponseInputItem] = Field(default_factory=list)
    """The original input, when `segments` come between it and `items`."""
    segments: list[SegmentRef] = Field(default_factory=list)


class CallScope(BaseModel):
    """Who is calling: lets an activity find the definition and bind log context."""

    run_id: str
    agent_name: str
    turn: int
    context: Any = None
    usage: Usage | None = None
    """The run's usage so far, sent only when lifecycle hooks may read it."""


class ResolveRunInput(BaseModel):
    agent_name: str
    input_guardrails: list[str] | None = None
    output_guardrails: list[str] | None = None


class ResolveRunOutput(BaseModel):
    specs: RunSpecs
    external_item_store: bool | None = None
    """Whether the worker's item store is external storage (else segments travel inline)."""


class ConversationRef(BaseModel):
    """The conversation by reference: the activity holds (or fetches) the first `base_length`
    items and gets only the items after them, so history does not grow with the square of the
    conversation length."""

    key: str
    base_length: int = 0
    delta: list[TResponseInputItem] = Field(default_factory=list)
    server_managed: bool = False
    """The provider holds the conversation (previous_response_id / conversation_id): send only
    `delta`."""


class ModelTurnInput(BaseModel):
    scope: CallScope
    conversation: ConversationRef
    model: str | None = None
    """The run config's model override, by name."""
    model_settings: ModelSettings | None = None
    reset_tool_choice: bool = False
    previous_response_id: str | None = None
    conversation_id: str | None = None
    agent_start: bool = False
    """The agent's first model call (run start or after a handoff): run its start hooks."""
    stream_raw_events: bool = False
    """Stream the model's reply, publishing its events to the run's stream as they come."""


class ModelTurnOutput(BaseModel):
    response: ModelResponse
    offered_tools: list[str] = Field(default_factory=list)
    """Tool and handoff names the model was offered (after `is_enabled`)."""
    final_output: Any = None
    has_final_output: bool = False
    """True when the response has no tool calls and yields a final output (text or validated)."""


class ToolCallInput(BaseModel):
    scope: CallScope
    tool_name: str
    call_id: str
    arguments: str


class ToolTripwire(BaseModel):
    kind: Literal["input", "output"]
    result: ToolGuardrailResult


class ToolCallOutput(BaseModel):
    output: Any = None
    """The tool's return value as JSON-able data (or the error text the model will see)."""
    output_text: str
    input_guardrail_results: list[ToolGuardrailResult] = Field(default_factory=list)
    output_guardrail_results: list[ToolGuardrailResult] = Field(default_factory=list)
    tripwire: ToolTripwire | None = None


class GuardrailCheckInput(BaseModel):
    scope: CallScope
    kind: Literal["input", "output"]
    guardrail_name: str
    value: Any
    """The run input for input guardrails, the final output for output guardrails."""


class GuardrailCheckOutput(BaseModel):
    output: GuardrailFunctionOutput


class HandoffCallInput(BaseModel):
    scope: CallScope
    tool_name: str
    arguments: str
    run_filter: bool = False
    """Apply the handoff's input filter (or the registry's) to the history below."""
    run_hooks: bool = False
    """Call the run's and the source agent's `on_handoff` hooks."""
    input_history: str | list[TResponseInputItem] = Field(default_factory=list)
    pre_handoff_segments: list[SegmentRef] = Field(default_factory=list)
    """Stored segments whose model-facing items come before `pre_handoff_items`."""
    pre_handoff_items: list[RunItem] = Field(default_factory=list)
    new_items: list[RunItem] = Field(default_factory=list)


class HandoffCallOutput(BaseModel):
    filtered: bool = False
    input_history: str | list[TResponseInputItem] = Field(default_factory=list)
    pre_handoff_items: list[RunItem] = Field(default_factory=list)
    new_items: list[RunItem] = Field(default_factory=list)
    input_items: list[RunItem] | None = None


class AgentEndInput(BaseModel):
    scope: CallScope
    output: Any = None
    original_input: str | list[TResponseInputItem] = Field(default_factory=list)


class ToolResultData(BaseModel):
    tool_name: str
    call_id: str
    output: Any = None


class ToolsToFinalOutputInput(BaseModel):
    scope: CallScope
    results: list[ToolResultData]


class ToolsToFinalOutputOutput(BaseModel):
    is_final_output: bool
    final_output: Any = None


class SessionPrepareInput(BaseModel):
    """Start of a run with a session: load its history, combine it with the run's input and
    save the input to the session (as the batch `key`)."""

    run_id: str
    session_id: str
    key: str
    input: str | list[TResponseInputItem]


class SessionPrepareOutput(BaseModel):
    input: list[TResponseInputItem]
    """What the model sees as the run's input: the history combined with the new input."""
    history_items: int = 0


class SessionAddInput(BaseModel):
    """One turn's session items, appended to the session as the batch `key`."""

    run_id: str
    session_id: str
    key: str
    items: list[TResponseInputItem]

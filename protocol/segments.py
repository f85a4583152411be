"""The item store's records: what one run of a continue-as-new chain generated, and the
reference the next run carries instead."""

from __future__ import annotations

from pydantic import BaseModel, Field

from durable_agents.guardrail import ToolGuardrailResult
from durable_agents.items import RunItem
from durable_agents.models import ModelResponse, TResponseInputItem
from durable_agents.stream_events import StreamEvent
from durable_agents.usage import RequestUsage


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

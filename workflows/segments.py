"""The item store from the workflow side: what a run of a continue-as-new chain hands over as
a segment, and reading earlier runs' segments back for the result."""

from __future__ import annotations

from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError, FailureError

with workflow.unsafe.imports_passed_through():
    from protocol.run import RunState
    from protocol.segments import LoadSegmentsInput, RunSegment, SegmentRef

    from . import stubs


def sealed_segment(state: RunState, sent: int, events: list[Any]) -> RunSegment:
    """What this run generated, for the item store; of the model-facing items only the first
    `sent`, which the model side already holds (the rest go as the next call's delta)."""
    return RunSegment(
        generated_items=state.generated_items[:sent],
        session_items=state.session_items,
        raw_responses=state.raw_responses,
        request_usage_entries=state.usage.request_usage_entries,
        tool_input_guardrail_results=state.tool_input_guardrail_results,
        tool_output_guardrail_results=state.tool_output_guardrail_results,
        events=events,
    )


def seal(state: RunState, ref: SegmentRef, sent: int) -> None:
    """The state after its segment is stored: the reference instead of the items."""
    state.segments.append(ref)
    state.recent_items = (state.recent_items + state.session_items)[-5:]
    state.generated_items = state.generated_items[sent:]
    state.session_items = []
    state.raw_responses = []
    state.usage.request_usage_entries = []
    state.tool_input_guardrail_results = []
    state.tool_output_guardrail_results = []


async def stored_items(segments: list[SegmentRef], partial: bool) -> RunSegment:
    """What earlier runs of the chain stored, read back by an activity unless it is inline. A
    partial result (of a failed run) does without them rather than fail differently."""
    joined = RunSegment()
    if all(ref.inline is not None for ref in segments):
        for ref in segments:
            assert ref.inline is not None
            joined.extend(ref.inline)
        return joined
    try:
        return await stubs.load_segments(LoadSegmentsInput(segments=segments))
    except ActivityError as e:
        reason = e.cause.message if isinstance(e.cause, FailureError) else str(e)
        if not partial:
            raise ApplicationError(
                f"the run's stored items could not be read: {reason}",
                type="SegmentUnavailable",
                non_retryable=True,
            ) from None
        workflow.logger.warning("partial result without stored items: %s", reason)
        return joined

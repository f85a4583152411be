"""Continue-as-new: what a run hands to a fresh history. What it generated goes to the item
store once and the next run carries references, so the hand-over does not grow with the run.
The event stream goes along without the events: they are in the segment, for readers that
fall behind."""

from __future__ import annotations

from typing import Any

from temporalio import workflow
from temporalio.contrib.workflow_streams import WorkflowStreamState

with workflow.unsafe.imports_passed_through():
    from protocol.run import RunInput, RunState
    from protocol.segments import StoreSegmentInput

    from . import outcome, segments, stubs
    from .conversation import ModelConversation
    from .outcome import Outcome
    from .run_stream import RunStream, end_offset

SEGMENTS_PATCH = "run-item-segments"
"""Runs that continue as new store what they generated as segments instead of carrying it."""
INLINE_STATE_LIMIT = 1_900_000
"""Bytes of run state a continue-as-new may carry without external storage (Temporal refuses
payloads over 2 MB)."""


def _payload_size(value: Any) -> int:
    return workflow.payload_converter().to_payloads([value])[0].ByteSize()


def should_continue_as_new(inp: RunInput, turns_this_run: int) -> bool:
    """After the run's own turn budget, or whenever Temporal suggests it (never before a
    run's first turn, which would hand over nothing)."""
    if not turns_this_run:
        return False
    budget = inp.continue_as_new_after_turns
    return (budget is not None and turns_this_run >= budget) or (
        workflow.info().is_continue_as_new_suggested()
    )


async def continue_as_new(
    inp: RunInput,
    state: RunState,
    stream: RunStream,
    conversation: ModelConversation,
    run_id: str,
    cancel_requested: bool,
) -> Outcome:
    """Returns only when the hand-over cannot be made: without external storage, a payload
    over Temporal's limit would fail every workflow task that tries to send it."""
    await stream.drain()
    if workflow.patched(SEGMENTS_PATCH):
        snapshot = stream.stream.get_state()
        too_large = await _store_segment(state, stream, conversation, run_id, snapshot)
        if too_large is not None:
            return too_large
        # Raw model events (activities publish them) are live-only: they go too. Anything
        # published after the snapshot stays.
        stream.stream.truncate(end_offset(snapshot))
    state.continued_runs += 1
    state.cancel_requested = cancel_requested
    next_input = inp.model_copy(
        update={"continued": state, "stream_state": stream.stream.get_state()}
    )
    if any(ref.inline is not None for ref in state.segments):
        size = _payload_size(next_input)
        if size > INLINE_STATE_LIMIT:
            return outcome.state_too_large("the run state to carry into the next run", size)
    workflow.continue_as_new(next_input)


async def _store_segment(
    state: RunState,
    stream: RunStream,
    conversation: ModelConversation,
    run_id: str,
    snapshot: WorkflowStreamState,
) -> Outcome | None:
    sent = conversation.sealable(state.sent_length)
    segment = segments.sealed_segment(state, sent, stream.events_with_offsets(snapshot))
    store_input = StoreSegmentInput(
        run_id=run_id,
        segment=segment,
        events_from=segment.events[0].offset if segment.events else end_offset(snapshot),
    )
    if state.external_item_store is False:
        size = _payload_size(store_input)
        if size > INLINE_STATE_LIMIT:
            return outcome.state_too_large("what this run generated", size)
    first = state.turn - len(state.raw_responses) + 1
    ref = await stubs.store_segment(
        store_input, f"store: turns {first}-{state.turn}, {len(state.session_items)} items"
    )
    segments.seal(state, ref, sent)
    conversation.seal(sent)
    return None

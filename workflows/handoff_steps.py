"""A handoff from the workflow side: the activity for its callback, filter and hooks, and the
transcript the next agent starts from (nested or filtered, in an activity when part of it is
in stored segments)."""

from __future__ import annotations

from dataclasses import dataclass

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from durable_agents.handoff_history import nest_handoff_history
    from durable_agents.items import RunItem
    from durable_agents.models import TResponseInputItem
    from protocol.callbacks import HandoffCallInput, HandoffCallOutput
    from protocol.run import RunState
    from protocol.scope import CallScope
    from protocol.segments import NestHistoryInput, SegmentRef

    from . import stubs
    from .handoff_plan import HandoffTransition


HISTORY_FIELD_ORDER_PATCH = "handoff-history-field-order"
"""Runs from before it summarise items with their keys as they came, not as the reference."""


@dataclass(frozen=True)
class HistoryAfterHandoff:
    session_items: list[RunItem]
    """What the handoff adds to the result's items."""
    rewrite: tuple[str | list[TResponseInputItem], list[RunItem]] | None = None
    """The transcript (input, generated items) the next agent starts from; None: the turn's
    items join the conversation as they are."""


async def invoke(
    move: HandoffTransition,
    scope: CallScope,
    state: RunState,
    items: list[RunItem],
    conversation_segments: list[SegmentRef],
) -> HandoffCallOutput:
    """The handoff's callback, its hooks and, with a filter, the filtered history."""
    run_filter = move.run_filter
    out = await stubs.invoke_handoff(
        HandoffCallInput(
            scope=scope,
            tool_name=move.spec.tool_name,
            arguments=move.call.get("arguments", ""),
            run_filter=run_filter,
            run_hooks=move.run_hooks,
            input_history=state.original_input if run_filter else [],
            pre_handoff_segments=conversation_segments if run_filter else [],
            pre_handoff_items=state.generated_items if run_filter else [],
            new_items=items if run_filter else [],
        ),
        move.target,
    )
    state.took(out.context)
    return out


async def history_after(
    move: HandoffTransition,
    filtered: HandoffCallOutput | None,
    state: RunState,
    items: list[RunItem],
    conversation_segments: list[SegmentRef],
    *,
    sealed: bool,
    server_managed: bool,
    source: str,
) -> HistoryAfterHandoff:
    """A provider-held transcript is left alone (rewriting it would only resend it); a
    filter's answer replaces it; else it is nested into one message, as the reference does,
    unless nesting is off."""
    if server_managed:
        return HistoryAfterHandoff(items)
    if filtered is not None and filtered.filtered:
        model_items = (
            filtered.input_items if filtered.input_items is not None else filtered.new_items
        )
        rewrite = (filtered.input_history, filtered.pre_handoff_items + model_items)
        return HistoryAfterHandoff(filtered.new_items, rewrite)
    if not move.nest_history:
        return HistoryAfterHandoff(items)
    if sealed:
        nested = await stubs.nest_history(
            NestHistoryInput(
                original_input=state.original_input,
                segments=conversation_segments,
                generated_items=state.generated_items,
                new_items=items,
            ),
            source,
            move.target,
        )
        return HistoryAfterHandoff(items, (nested.input_history, nested.generated_items))
    history, kept, forwarded = nest_handoff_history(
        state.original_input,
        state.generated_items,
        items,
        field_order=workflow.patched(HISTORY_FIELD_ORDER_PATCH),
    )
    return HistoryAfterHandoff(items, (history, kept + forwarded))

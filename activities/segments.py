"""Activities that move a long run's items in and out of the item store: the workflow never
does I/O, and it never holds the items of earlier runs of its chain."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import activity
from temporalio.converter import StorageDriverWorkflowInfo

from durable_agents.handoff_history import nest_handoff_history
from protocol import names
from protocol.segments import (
    LoadSegmentsInput,
    NestHistoryInput,
    NestHistoryOutput,
    RunSegment,
    SegmentRef,
    StoreSegmentInput,
)

from .context import ActivityFamily
from .heartbeat import heartbeating


class SegmentActivities(ActivityFamily):
    def all(self) -> list[Callable[..., Any]]:
        return [self.store_segment, self.load_segments, self.nest_history]

    @activity.defn(name=names.STORE_SEGMENT)
    @heartbeating
    async def store_segment(self, inp: StoreSegmentInput) -> SegmentRef:
        info = activity.info()
        target = StorageDriverWorkflowInfo(
            namespace=info.namespace,
            id=info.workflow_id,
            run_id=info.workflow_run_id,
            type=info.workflow_type,
        )
        return await self.deps.item_store.put(inp.segment, target, inp.events_from)

    @activity.defn(name=names.LOAD_SEGMENTS)
    @heartbeating
    async def load_segments(self, inp: LoadSegmentsInput) -> RunSegment:
        """The segments joined into one, for the run's result."""
        joined = RunSegment()
        for segment in await self.deps.item_store.load(inp.segments):
            joined.extend(segment)
        return joined

    @activity.defn(name=names.NEST_HISTORY)
    @heartbeating
    async def nest_history(self, inp: NestHistoryInput) -> NestHistoryOutput:
        generated = [
            item
            for segment in await self.deps.item_store.load(inp.segments)
            for item in segment.generated_items
        ]
        history, kept, forwarded = nest_handoff_history(
            inp.original_input, generated + inp.generated_items, inp.new_items
        )
        return NestHistoryOutput(input_history=history, generated_items=kept + forwarded)

"""Reading a run's cost off its Temporal history: time, events, bytes, tasks, per turn.

Only `temporalio` and the standard library, so the peers' venvs can import it too.

A run is timed by its history: from the first event of its first execution to the last event of
its last one (a run may continue as new), so client start-up and result fetching are not counted.
Turn k spans the events from the scheduling of its model call (an activity, or a local activity's
marker) up to the scheduling of the next model call; the first turn also carries the events
before it and the last one those after it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client

Chain = list[list[HistoryEvent]]
IsModel = Callable[[str], bool]

LOCAL_ACTIVITY_MARKER = "core_local_activity"


def ts(event: HistoryEvent) -> float:
    return event.event_time.seconds + event.event_time.nanos / 1e9


async def history_chain(client: Client, workflow_id: str) -> Chain:
    """Every execution of the workflow id, oldest first, following continue-as-new back from the
    latest execution."""
    chain: Chain = []
    run_id: str | None = None
    while True:
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        events = list(history.events)
        chain.insert(0, events)
        started = events[0].workflow_execution_started_event_attributes
        if not started.continued_execution_run_id:
            return chain
        run_id = started.continued_execution_run_id


def activity_name(event: HistoryEvent) -> str | None:
    """The activity type an event schedules, for activities and local activities alike."""
    if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        return event.activity_task_scheduled_event_attributes.activity_type.name
    if event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED:
        marker = event.marker_recorded_event_attributes
        if marker.marker_name != LOCAL_ACTIVITY_MARKER:
            return None
        payloads = marker.details.get("data")
        if payloads is None or not payloads.payloads:
            return None
        try:
            return str(json.loads(payloads.payloads[0].data).get("activity_type", ""))
        except ValueError:
            return ""
    return None


def _payloads(event: HistoryEvent) -> list[Any]:
    """The payloads of the events that carry a workflow's or an activity's input or result."""
    kind = event.event_type
    if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        return list(event.workflow_execution_started_event_attributes.input.payloads)
    if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
        return list(event.workflow_execution_continued_as_new_event_attributes.input.payloads)
    if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
        return list(event.workflow_execution_completed_event_attributes.result.payloads)
    if kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        return list(event.activity_task_scheduled_event_attributes.input.payloads)
    if kind == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        return list(event.activity_task_completed_event_attributes.result.payloads)
    return []


@dataclass
class Tally:
    events: int = 0
    bytes: int = 0
    workflow_tasks: int = 0
    activities: int = 0
    local_activities: int = 0
    external_payloads: int = 0
    """Payloads that external storage replaced by a reference; their bytes are not in `bytes`
    but in `external_bytes`."""
    external_bytes: int = 0

    def add(self, event: HistoryEvent) -> None:
        self.events += 1
        self.bytes += event.ByteSize()
        for payload in _payloads(event):
            if payload.external_payloads:
                self.external_payloads += 1
                self.external_bytes += sum(p.size_bytes for p in payload.external_payloads)
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            self.workflow_tasks += 1
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            self.activities += 1
        elif activity_name(event) is not None:
            self.local_activities += 1

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def analyze(chain: Chain, is_model: IsModel, at: Sequence[int] = ()) -> dict[str, Any]:
    """Span, totals and model turns of a run; `per_turn[k]` for each turn k in `at` the run has
    (each the mean over turns k-4..k, to smooth the odd event)."""
    events = [e for execution in chain for e in execution]
    total = Tally()
    for event in events:
        total.add(event)
    starts = [i for i, e in enumerate(events) if (name := activity_name(e)) and is_model(name)]
    bounds = [0, *starts[1:], len(events)]
    turns = [Tally() for _ in starts]
    for t, turn in enumerate(turns):
        for event in events[bounds[t] : bounds[t + 1]]:
            turn.add(event)
    per_turn: dict[str, dict[str, float]] = {}
    for k in at:
        window = turns[max(0, k - 5) : k] if k <= len(turns) else []
        if window:
            per_turn[str(k)] = {
                key: sum(getattr(t, key) for t in window) / len(window) for key in Tally().as_dict()
            }
    return {
        "breakdown": breakdown(chain, is_model, max(1, len(starts))),
        "span": ts(events[-1]) - ts(events[0]),
        "first": ts(events[0]),
        "last": ts(events[-1]),
        "model_turns": len(starts),
        "executions": len(chain),
        "total": total.as_dict(),
        "per_turn": per_turn,
    }


def breakdown(chain: Chain, is_model: IsModel, model_turns: int) -> dict[str, float]:
    """Where a run's time went, in ms per model turn: workflow tasks waiting for a worker and
    being processed by it, activities waiting and running (model calls apart from the rest)."""
    ms = {
        "workflow_task_wait": 0.0,
        "workflow_task_run": 0.0,
        "activity_wait": 0.0,
        "model_activity_run": 0.0,
        "other_activity_run": 0.0,
    }
    for execution in chain:
        by_id = {e.event_id: e for e in execution}
        for e in execution:
            kind = e.event_type
            if kind == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
                scheduled = by_id[e.workflow_task_started_event_attributes.scheduled_event_id]
                ms["workflow_task_wait"] += ts(e) - ts(scheduled)
            elif kind == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
                started = by_id[e.workflow_task_completed_event_attributes.started_event_id]
                ms["workflow_task_run"] += ts(e) - ts(started)
            elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
                done = e.activity_task_completed_event_attributes
                scheduled, started = by_id[done.scheduled_event_id], by_id[done.started_event_id]
                ms["activity_wait"] += ts(started) - ts(scheduled)
                model = is_model(activity_name(scheduled) or "")
                ms["model_activity_run" if model else "other_activity_run"] += ts(e) - ts(started)
    return {key: value * 1000 / model_turns for key, value in ms.items()}


def restart_report(chain: Chain, identity: str, is_model: IsModel) -> dict[str, Any]:
    """What a worker named `identity`, started in the middle of the run, did first: its first
    workflow task (a replay of the execution's history so far) and the first model call that
    task scheduled, with the size of the history it had to replay."""
    for execution in chain:
        by_id = {e.event_id: e for e in execution}
        for index, event in enumerate(execution):
            if event.event_type != EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
                continue
            done = event.workflow_task_completed_event_attributes
            if done.identity != identity:
                continue
            started = by_id[done.started_event_id]
            scheduled = by_id[done.scheduled_event_id]
            later = execution[index + 1 :]
            first_model = next(
                (e for e in later if (name := activity_name(e)) and is_model(name)), None
            )
            first_model_done = None
            if first_model is not None:
                first_model_done = next(
                    (
                        e
                        for e in later
                        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
                        and e.activity_task_completed_event_attributes.scheduled_event_id
                        == first_model.event_id
                    ),
                    None,
                )
            timed_out = [
                e
                for e in execution[: started.event_id]
                if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT
            ]
            return {
                "stalled_tasks": len(timed_out),
                "stall_ends": ts(timed_out[-1]) if timed_out else None,
                "replayed_events": started.event_id,
                "replayed_bytes": sum(e.ByteSize() for e in execution[: started.event_id]),
                "task_scheduled": ts(scheduled),
                "task_started": ts(started),
                "task_completed": ts(event),
                "model_turn_done": ts(first_model_done) if first_model_done else None,
            }
    raise RuntimeError(f"no workflow task completed by {identity!r} in the history")

"""The run's event stream (Temporal's Workflow Streams): what the workflow publishes, and the
offsets its events get, which a continue-as-new stores with the run's segment."""

from __future__ import annotations

from temporalio import workflow
from temporalio.contrib.workflow_streams import WorkflowStream, WorkflowStreamState

with workflow.unsafe.imports_passed_through():
    from durable_agents.items import RunItem
    from durable_agents.result import RunStatus
    from durable_agents.stream_events import (
        AgentRef,
        AgentUpdatedStreamEvent,
        RunItemStreamEvent,
        StreamEvent,
    )
    from protocol.names import END_TOPIC, EVENTS_TOPIC


def end_offset(state: WorkflowStreamState) -> int:
    """The offset the stream's next item will get."""
    return state.base_offset + len(state.log)


class RunStream:
    def __init__(self, prior_state: WorkflowStreamState | None) -> None:
        # Made in the workflow's init, so a subscriber can attach from the start; a continued
        # run picks up the stream where the previous run left it.
        self.stream = WorkflowStream(prior_state=prior_state)
        self._events = self.stream.topic(EVENTS_TOPIC)
        self.run_events: list[StreamEvent] = []
        """This run's events: stored with its segment when it continues as new."""

    def publish_items(self, items: list[RunItem]) -> None:
        for item in items:
            self._publish(RunItemStreamEvent.for_item(item))

    def publish_agent_updated(self, agent_name: str) -> None:
        self._publish(AgentUpdatedStreamEvent(new_agent=AgentRef(name=agent_name)))

    def _publish(self, event: StreamEvent) -> None:
        self._events.publish(event)
        self.run_events.append(event)

    def events_with_offsets(self, state: WorkflowStreamState) -> list[StreamEvent]:
        """This run's events, each with its offset in the stream. Model activities publish raw
        events into the same stream (by signal), so an event's offset is not its count: read
        them off the stream, whose log starts where this run started (or earlier, for a chain
        begun by older code)."""
        offsets = [
            state.base_offset + i for i, item in enumerate(state.log) if item.topic == EVENTS_TOPIC
        ]
        offsets = offsets[max(0, len(offsets) - len(self.run_events)) :]
        return [
            event.model_copy(update={"offset": offset})
            for event, offset in zip(self.run_events, offsets, strict=True)
        ]

    async def drain(self) -> None:
        """Lets every poller that is waiting return before the run closes or continues."""
        self.stream.detach_pollers()
        await workflow.wait_condition(workflow.all_handlers_finished)

    async def close(self, status: RunStatus) -> None:
        """Subscribers waiting on the stream get their last events before the run closes;
        later ones read what is left through the stream's query. The end marker tells a reader
        that fell behind a continue-as-new that any gap before it is in the item store."""
        self.stream.topic(END_TOPIC).publish(status)
        await self.drain()

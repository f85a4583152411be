"""`RunResultStreaming`: a run started by `AgentClient.run_streamed`, followed event by event.

The reference's `Runner.run_streamed` returns at once and fills an in-process queue; here the run
is a workflow that publishes its events into a durable stream, so any number of readers, in any
process, can follow it (or read it again later) by run id.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from durable_agents.result import RunResult
from durable_agents.stream_events import StreamEvent

if TYPE_CHECKING:
    from .agent_client import AgentClient

CancelMode = Literal["immediate", "after_turn"]


class RunResultStreaming:
    """A run in flight: its events as they happen, its result once it ends, and cancel."""

    def __init__(self, client: AgentClient, run_id: str) -> None:
        self.client = client
        self.run_id = run_id

    def __repr__(self) -> str:
        return f"RunResultStreaming(run_id={self.run_id!r})"

    @property
    def ui_url(self) -> str:
        return self.client.ui_link(self.run_id)

    def stream_events(
        self,
        from_offset: int = 0,
        *,
        poll_cooldown: timedelta = timedelta(milliseconds=100),
    ) -> AsyncIterator[StreamEvent]:
        """The run's events (see `AgentClient.stream_events`); ends when the run has ended and
        every event is read. Each call is a new reader from `from_offset`."""
        return self.client.stream_events(self.run_id, from_offset, poll_cooldown=poll_cooldown)

    async def result(self) -> RunResult:
        """Wait for the run to end; outcomes as `AgentClient.result`."""
        return await self.client.result(self.run_id)

    async def cancel(self, mode: CancelMode = "immediate") -> None:
        """`"immediate"` cancels the run through Temporal (no result is kept; `result()` raises
        `RunCancelledError`); `"after_turn"` lets the current turn finish and ends the run with
        status "cancelled" and its result."""
        if mode == "after_turn":
            await self.client.cancel_after_turn(self.run_id)
        elif mode == "immediate":
            await self.client.cancel(self.run_id)
        else:
            raise ValueError(f"cancel mode must be 'immediate' or 'after_turn', got {mode!r}")

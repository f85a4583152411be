"""`Runner.run_streamed`'s result: the reference's `RunResultStreaming`, returned at once while
the run starts in the background.

The run's events come from its durable stream. A task of this object's own follows them into a
buffer here, as the reference's run fills its queue, so a program reads them when it likes:
while the run goes, or after it ended and its worker drained, and one that never reads still
gets its run done. The fields fill in as events arrive (`current_agent`, `new_items`) and, once
the run has ended, from its `RunResult`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any, TypeVar

from client import AgentClient, RunNotFoundError
from client.streaming import CancelMode
from durable_agents.agent import Agent
from durable_agents.exceptions import RunCancelledError
from durable_agents.guardrail import (
    InputGuardrailResult,
    OutputGuardrailResult,
    ToolGuardrailResult,
)
from durable_agents.items import RunItem
from durable_agents.models import ModelResponse, TResponseInputItem
from durable_agents.registry import AgentRegistry
from durable_agents.result import RunResult, RunStatus
from durable_agents.run_context import RunContextWrapper
from durable_agents.stream_events import (
    AgentUpdatedStreamEvent,
    RunItemStreamEvent,
    StreamEvent,
)

from .program_context import bring_up_to_date

T = TypeVar("T")

STOP_WAIT_SECONDS = 10.0
"""How long `stream_events` waits, after `cancel()`, for the run to end and its worker to go."""

Follow = Callable[["RunResultStreaming"], Coroutine[Any, Any, None]]
"""Starts (or attaches to) the run, calls `started`, then `receive`s each event."""


class RunResultStreaming:
    """A streamed run with the reference's fields, plus its `run_id` and `status`."""

    def __init__(
        self,
        *,
        run_id: str,
        input: str | list[TResponseInputItem],
        starting_agent: Agent[Any],
        registry: AgentRegistry,
        context_wrapper: RunContextWrapper[Any],
        max_turns: int,
        follow: Follow,
    ) -> None:
        self.run_id = run_id
        self.input = input
        self.new_items: list[RunItem] = []
        self.raw_responses: list[ModelResponse] = []
        self.final_output: Any = None
        self.current_agent: Agent[Any] = starting_agent
        self.current_turn = 0
        """The run's turns so far; known once the run has ended (the stream has no turn
        events)."""
        self.max_turns = max_turns
        self.is_complete = False
        self.status: RunStatus = "running"
        self.context_wrapper = context_wrapper
        context_wrapper.run_id = run_id
        self.input_guardrail_results: list[InputGuardrailResult] = []
        self.output_guardrail_results: list[OutputGuardrailResult] = []
        self.tool_input_guardrail_results: list[ToolGuardrailResult] = []
        self.tool_output_guardrail_results: list[ToolGuardrailResult] = []
        self._registry = registry
        self._events: list[StreamEvent] = []
        self._changed = asyncio.Condition()
        self._error: BaseException | None = None
        self._cancel_mode: CancelMode | None = None
        self._cancelling: asyncio.Future[None] | None = None
        loop = asyncio.get_running_loop()
        self._started: asyncio.Future[AgentClient] = loop.create_future()
        self._following = loop.create_task(self._follow(follow), name=f"follow {run_id}")

    def __repr__(self) -> str:
        return (
            f"RunResultStreaming(run_id={self.run_id!r}, current_agent="
            f"{self.current_agent.name!r}, is_complete={self.is_complete})"
        )

    @property
    def last_agent(self) -> Agent[Any]:
        return self.current_agent

    # What the follow task calls.

    def started(self, agents: AgentClient) -> None:
        """The run exists and a worker serves it: cancel can reach it now."""
        self._started.set_result(agents)

    async def receive(self, event: StreamEvent) -> None:
        if isinstance(event, AgentUpdatedStreamEvent):
            self.current_agent = self._registry.get_agent(event.new_agent.name)
            event.new_agent = self.current_agent  # the program's Agent, as in the reference
        elif isinstance(event, RunItemStreamEvent):
            self.new_items.append(self._bound(event.item))
        async with self._changed:
            self._events.append(event)
            self._changed.notify_all()

    def _bound(self, item: RunItem) -> RunItem:
        return item.with_agent(self._registry.get_agent(item.agent_name))

    async def _follow(self, follow: Follow) -> None:
        try:
            await follow(self)
        except RunCancelledError as error:
            if self._cancel_mode != "immediate":
                self._error = error
        except Exception as error:  # kept for the reader, as the reference keeps its own
            self._error = error
        finally:
            self._started.cancel()  # a run that never started has nothing to cancel
            self.is_complete = True
            if self.status == "running":
                self.status = "cancelled" if self._cancel_mode else "failed"
            async with self._changed:
                self._changed.notify_all()

    def finished(self, result: RunResult) -> None:
        """The run's result: the fields take its values."""
        self.new_items = [self._bound(item) for item in result.new_items]
        self.raw_responses = list(result.raw_responses)
        self.current_agent = self._registry.get_agent(result.last_agent_name)
        self.final_output = self._registry.typed_output(self.current_agent, result.final_output)
        self.current_turn = result.current_turn
        self.status = result.status
        self.context_wrapper.usage = result.usage
        bring_up_to_date(self.context_wrapper.context, result.context)
        self.input_guardrail_results = list(result.input_guardrail_results)
        self.output_guardrail_results = list(result.output_guardrail_results)
        self.tool_input_guardrail_results = list(result.tool_input_guardrail_results)
        self.tool_output_guardrail_results = list(result.tool_output_guardrail_results)

    # What the program calls.

    async def stream_events(self) -> AsyncIterator[StreamEvent]:
        """Every event of the run, from its first, as they happen; ends when the run has ended,
        raising the run's exception if it failed (as the reference does), or at once after
        `cancel()`. Each call reads from the start again."""
        seen = 0
        while self._cancel_mode != "immediate":
            batch = await self._after(seen)
            if not batch:
                break
            for event in batch:
                if self._cancel_mode == "immediate":
                    break
                seen += 1
                yield event
        if self._cancelling is not None:
            await self._cancelling
        if self._cancel_mode == "immediate":
            # The run ends a moment after: let its worker drain now, so a program that goes
            # on to exit leaves nothing running under its event loop's teardown.
            await asyncio.wait([self._following], timeout=STOP_WAIT_SECONDS)
        if self._error is not None and self._cancel_mode != "immediate":
            raise self._error

    async def _after(self, seen: int) -> list[StreamEvent]:
        """The events after the first `seen`, once there are some; none once the run ended."""
        async with self._changed:
            await self._changed.wait_for(lambda: len(self._events) > seen or self.is_complete)
            return self._events[seen:]

    def cancel(self, mode: CancelMode = "immediate") -> None:
        """`"immediate"` stops the run now (through Temporal) and ends the stream; with
        `"after_turn"` the run finishes its turn, then ends with what it has."""
        if mode not in ("immediate", "after_turn"):
            raise ValueError(f"cancel mode must be 'immediate' or 'after_turn', got {mode!r}")
        if self._cancel_mode is not None or self.is_complete:
            return
        self._cancel_mode = mode
        if mode == "immediate":  # over for the program now, as in the reference
            self.is_complete, self.status = True, "cancelled"
        self._cancelling = asyncio.ensure_future(self._request_cancel(mode))

    async def _request_cancel(self, mode: CancelMode) -> None:
        await asyncio.wait([self._started, self._following], return_when=asyncio.FIRST_COMPLETED)
        if self._started.cancelled():
            return
        agents = self._started.result()
        with contextlib.suppress(RunNotFoundError):  # it has ended already: nothing to stop
            if mode == "after_turn":
                await agents.cancel_after_turn(self.run_id)
            else:
                await agents.cancel(self.run_id)

    def _as_result(self) -> RunResult:
        return RunResult(
            run_id=self.run_id,
            status=self.status,
            input=self.input,
            new_items=self.new_items,
            raw_responses=self.raw_responses,
            final_output=self.final_output,
            last_agent_name=self.current_agent.name,
        )

    @property
    def last_response_id(self) -> str | None:
        return self._as_result().last_response_id

    def final_output_as(self, cls: type[T], raise_if_incorrect_type: bool = False) -> T:
        return self._as_result().final_output_as(cls, raise_if_incorrect_type)

    def to_input_list(self) -> list[TResponseInputItem]:
        return self._as_result().to_input_list()

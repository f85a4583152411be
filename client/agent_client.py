"""`AgentClient`: start agent runs by agent name, follow them, cancel them, list them.

A run is a Temporal workflow whose id is the run id, so everything here is a thin, typed layer over
a workflow handle: the workflow type and its signal and query names come from `protocol.names`,
and failures come back as the OpenAI Agents SDK's exceptions (see `client.failures`).
"""

from __future__ import annotations

import os
import re
import uuid
import warnings
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from temporalio.api.common.v1 import Payload
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowFailureError,
    WorkflowHandle,
)
from temporalio.common import RawValue, SearchAttributePair, TypedSearchAttributes
from temporalio.contrib.workflow_streams import WorkflowStreamClient
from temporalio.service import RPCError, RPCStatusCode

from connection.item_store import ItemStore
from connection.options import ConnectionOptions
from durable_agents.exceptions import AgentsException, UserError
from durable_agents.models import TResponseInputItem
from durable_agents.result import RunResult
from durable_agents.run_config import DEFAULT_MAX_TURNS, RunConfig
from durable_agents.stream_events import STREAM_EVENT_ADAPTER, StreamEvent
from protocol.names import (
    AGENT_NAME,
    CANCEL_AFTER_TURN_SIGNAL,
    DEFAULT_TASK_QUEUE,
    END_TOPIC,
    EVENTS_TOPIC,
    PROGRESS_QUERY,
    RAW_EVENTS_TOPIC,
    RUN_STATUS,
    STORED_EVENTS_QUERY,
    WORKFLOW_NAME,
)
from protocol.run import RunInput, RunProgress
from protocol.segments import SegmentRef

from .failures import run_exception
from .links import run_ui_url, ui_base_url
from .streaming import RunResultStreaming

QUERY_TIMEOUT = timedelta(seconds=5)
"""A query needs a live worker; without one it would hang, so it gives up after this long."""
STORED_EVENTS_TIMEOUT = timedelta(seconds=60)
"""Reading stored events of an ended run makes a worker replay its last history: allow for it."""

_CLOSED_STATUS = {
    WorkflowExecutionStatus.COMPLETED: "completed",
    WorkflowExecutionStatus.CANCELED: "cancelled",
    WorkflowExecutionStatus.FAILED: "failed",
    WorkflowExecutionStatus.TERMINATED: "terminated",
    WorkflowExecutionStatus.TIMED_OUT: "timed_out",
}


class RunNotFoundError(Exception):
    """No run with this id exists in the namespace."""

    def __init__(self, run_id: str) -> None:
        super().__init__(f"no run with id {run_id!r}")
        self.run_id = run_id


class ProgressUnavailableError(Exception):
    """The run is in flight but no worker answered the progress query in time."""


class StreamUnavailableError(Exception):
    """The run's events cannot be read: no worker answered for it (a run that has ended is
    read through a query, which a worker must answer)."""


class RunSummary(BaseModel):
    """One line of `list`: what the visibility store knows, without asking a worker."""

    run_id: str
    agent_name: str | None
    status: str
    start_time: datetime | None
    close_time: datetime | None
    ui_url: str


class RunStatusInfo(RunSummary):
    """`status` of one run: the summary plus the run's progress when it can be had."""

    progress: RunProgress | None = None
    progress_unavailable: str | None = None
    """Why `progress` is missing for a run in flight (no worker answered the query)."""


def new_run_id(agent_name: str) -> str:
    """Readable ids: the agent's name (URL-safe) and a random suffix."""
    slug = re.sub(r"[^a-z0-9_.-]+", "-", agent_name.lower()).strip("-") or "run"
    return f"{slug}-{uuid.uuid4().hex[:12]}"


def _summary_text(agent_name: str, input: str | list[TResponseInputItem]) -> str:
    preview = input if isinstance(input, str) else f"{len(input)} input items"
    preview = " ".join(preview.split())
    return f"{agent_name}: {preview[:120]}"


def _display_status(workflow_status: WorkflowExecutionStatus | None, run_status: str | None) -> str:
    """The run status the workflow recorded, unless the workflow ended without recording one
    (hard cancel, termination, timeout), where the server's status is the only truth."""
    if workflow_status in (None, WorkflowExecutionStatus.RUNNING):
        return run_status or "running"
    if run_status and run_status != "running":
        return run_status
    return _CLOSED_STATUS.get(workflow_status, workflow_status.name.lower())


@contextmanager
def _known_run(run_id: str) -> Iterator[None]:
    """The server's NOT_FOUND for a run id, as the client's `RunNotFoundError`."""
    try:
        yield
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            raise RunNotFoundError(run_id) from error
        raise


_NEVER_STARTED = "closed before WorkflowTaskStarted"
"""The server's answer to a query of a run that ended (terminated, cancelled) before any worker
ran it."""


def decode_stream_event(payload: Payload) -> StreamEvent:
    """One published event: the workflow's pydantic converter wrote it as plain JSON."""
    encoding = payload.metadata.get("encoding", b"").decode()
    if encoding != "json/plain":
        raise ValueError(f"stream event payload has encoding {encoding!r}, not json/plain")
    return STREAM_EVENT_ADAPTER.validate_json(payload.data)


class AgentClient:
    """Starts and follows agent runs on the workers serving `task_queue`."""

    def __init__(
        self,
        client: Client,
        *,
        task_queue: str | None = None,
        ui_url: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        environ = os.environ if env is None else env
        self.temporal_client = client
        self.task_queue = task_queue or environ.get("TEMPORAL_TASK_QUEUE") or DEFAULT_TASK_QUEUE
        self.ui_url = ui_url or ui_base_url(environ)

    @classmethod
    async def connect(
        cls,
        address: str | None = None,
        namespace: str | None = None,
        *,
        task_queue: str | None = None,
        options: ConnectionOptions | None = None,
        ui_url: str | None = None,
    ) -> AgentClient:
        """Connect with `options` (TLS, API key...) or the TEMPORAL_* environment; `address` and
        `namespace` override both."""
        options = options or ConnectionOptions()
        options.address = address or options.address
        options.namespace = namespace or options.namespace
        return cls(await options.connect(), task_queue=task_queue, ui_url=ui_url)

    @property
    def namespace(self) -> str:
        return self.temporal_client.namespace

    def ui_link(self, run_id: str) -> str:
        return run_ui_url(self.ui_url, self.namespace, run_id)

    def _handle(self, run_id: str) -> WorkflowHandle[Any, RunResult]:
        return self.temporal_client.get_workflow_handle(run_id, result_type=RunResult)

    async def start(
        self,
        agent_name: str,
        input: str | list[TResponseInputItem],
        *,
        run_id: str | None = None,
        context: Any = None,
        max_turns: int = DEFAULT_MAX_TURNS,
        run_config: RunConfig | None = None,
        previous_response_id: str | None = None,
        auto_previous_response_id: bool = False,
        conversation_id: str | None = None,
        continue_as_new_after_turns: int | None = None,
        session_id: str | None = None,
        stream_raw_events: bool = False,
    ) -> str:
        """Start a run and return its id at once. Raises pydantic's `ValidationError` for bad
        arguments and temporalio's `WorkflowAlreadyStartedError` for a run id in use.

        With `session_id`, the run starts from that session's history and saves its input and
        turns to it (the worker's registry finds the session by id). With `stream_raw_events`,
        the model calls stream, and their events (token deltas...) are published to the run's
        stream as `raw_response_event`s (`run_streamed` sets it)."""
        run_config = run_config or RunConfig()
        if objects := run_config.objects():
            raise UserError(
                f"RunConfig {', '.join(objects)}: objects of this process cannot travel with a "
                "run started by name; give them to the worker (its AgentRegistry, its model "
                "provider) and name them here, or run with Runner in this process"
            )
        if unhonoured := run_config.unhonoured_tracing():
            warnings.warn(
                f"RunConfig {', '.join(unhonoured)}: tracing is not implemented yet, "
                "so these have no effect on the run",
                UserWarning,
                stacklevel=2,
            )
        run_input = RunInput(
            agent_name=agent_name,
            input=input,
            context=context,
            max_turns=max_turns,
            run_config=run_config,
            previous_response_id=previous_response_id,
            auto_previous_response_id=auto_previous_response_id,
            conversation_id=conversation_id,
            continue_as_new_after_turns=continue_as_new_after_turns,
            session_id=session_id,
            stream_raw_events=stream_raw_events,
        )
        run_id = run_id or new_run_id(agent_name)
        await self.temporal_client.start_workflow(
            WORKFLOW_NAME,
            run_input,
            id=run_id,
            task_queue=self.task_queue,
            result_type=RunResult,
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(AGENT_NAME, agent_name),
                    SearchAttributePair(RUN_STATUS, "running"),
                ]
            ),
            static_summary=_summary_text(agent_name, input),
            # Saves the first workflow task's round trip when a worker shares this client.
            request_eager_start=True,
        )
        return run_id

    async def run(
        self,
        agent_name: str,
        input: str | list[TResponseInputItem],
        **kwargs: Any,
    ) -> RunResult:
        """Start a run and wait for its result (`start`'s arguments, `result`'s outcomes)."""
        return await self.result(await self.start(agent_name, input, **kwargs))

    async def result(self, run_id: str) -> RunResult:
        """Wait for the run to end. A run that finished or was cancelled after a turn returns its
        `RunResult`; a failed run raises the SDK's exception for it (`AgentsException`
        subclasses, `run_data` set when the run got that far); an unknown id `RunNotFoundError`."""
        with _known_run(run_id):
            try:
                return await self._handle(run_id).result()
            except WorkflowFailureError as failure:
                raise run_exception(failure) from failure

    async def run_streamed(
        self,
        agent_name: str,
        input: str | list[TResponseInputItem],
        *,
        stream_raw_events: bool = True,
        **kwargs: Any,
    ) -> RunResultStreaming:
        """Start a run (`start`'s arguments) and return a handle on it whose `stream_events()`
        follows the run as it goes, as the reference's `Runner.run_streamed` does: token
        deltas (`raw_response_event`) included, unless `stream_raw_events=False`."""
        run_id = await self.start(agent_name, input, stream_raw_events=stream_raw_events, **kwargs)
        return RunResultStreaming(self, run_id)

    async def stream_events(
        self,
        run_id: str,
        from_offset: int = 0,
        *,
        poll_cooldown: timedelta = timedelta(milliseconds=100),
    ) -> AsyncIterator[StreamEvent]:
        """The run's events from `from_offset` on, as they are published; each carries its
        `offset`, so a reader can resume after the last one it handled. Ends once the run has
        closed (however it ended) and every event is read. Raises `RunNotFoundError` for an
        unknown id, and `StreamUnavailableError` when no worker answers for the run.

        After a continue-as-new the stream keeps only the new run's events; a reader that asks
        for older ones (or falls behind) gets them from the item store, where each run of the
        chain stored its events, so it still sees every run item and agent event once, in
        order. Raw model events (`raw_response_event`, for runs started with
        `stream_raw_events`) are not stored: such a reader does not get those of earlier runs,
        and their offsets are skipped."""
        if from_offset < 0:
            raise ValueError(f"from_offset must be 0 or more, got {from_offset}")
        stream = WorkflowStreamClient.create(self.temporal_client, run_id)
        # Every topic, so offsets come contiguous and a gap means events the stream dropped.
        items = stream.subscribe(
            [EVENTS_TOPIC, RAW_EVENTS_TOPIC, END_TOPIC],
            from_offset,
            result_type=RawValue,
            poll_cooldown=poll_cooldown,
        )
        expected = from_offset
        ended = False
        try:
            with _known_run(run_id):
                async for item in items:
                    if item.offset > expected:
                        async for stored in self._stored_events(run_id, expected, item.offset):
                            yield stored
                    elif item.offset < expected:
                        continue
                    expected = item.offset + 1
                    if item.topic == END_TOPIC:
                        ended = True
                        continue
                    event = decode_stream_event(item.data.payload)
                    event.offset = item.offset
                    yield event
                if not ended:
                    # The run closed without its end marker (a hard cancel, a run of older code),
                    # or it was read from past it: what is left may be stored.
                    async for stored in self._stored_events(run_id, expected, None):
                        yield stored
        except RPCError as error:
            if _NEVER_STARTED in error.message:
                return  # closed before a worker ran it: it published nothing
            if error.status in (RPCStatusCode.FAILED_PRECONDITION, RPCStatusCode.DEADLINE_EXCEEDED):
                raise StreamUnavailableError(
                    f"cannot read the events of {run_id!r}: {error.message}; "
                    "is a worker serving its task queue?"
                ) from error
            raise
        finally:
            await items.aclose()

    async def _stored_events(
        self, run_id: str, start: int, end: int | None
    ) -> AsyncIterator[StreamEvent]:
        """Events in [start, end) that earlier runs of the chain stored with their segments."""
        refs = await self._handle(run_id).query(
            STORED_EVENTS_QUERY, result_type=list[SegmentRef], rpc_timeout=STORED_EVENTS_TIMEOUT
        )
        store = ItemStore.for_data_converter(self.temporal_client.data_converter)
        for ref in refs:
            if ref.events_until <= start or (end is not None and ref.events_from >= end):
                continue
            segment = await store.get(ref)
            for index, event in enumerate(segment.events):
                # Events stored by older workers have no offset: theirs were contiguous.
                offset = event.offset if event.offset >= 0 else ref.events_from + index
                if offset >= start and (end is None or offset < end):
                    event.offset = offset
                    yield event

    async def progress(self, run_id: str) -> RunProgress:
        """The in-flight run's `progress` query (needs a worker to answer)."""
        try:
            with _known_run(run_id):
                return await self._handle(run_id).query(
                    PROGRESS_QUERY, result_type=RunProgress, rpc_timeout=QUERY_TIMEOUT
                )
        except RPCError as error:
            if error.status in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED):
                raise ProgressUnavailableError(
                    f"no worker answered the progress query of {run_id!r} within "
                    f"{QUERY_TIMEOUT.total_seconds():.0f}s; is a worker serving the task queue?"
                ) from error
            raise

    async def status(self, run_id: str) -> RunStatusInfo:
        """Where the run is: the server's view, plus its progress (queried while it runs, read
        from its result once it has ended)."""
        handle = self._handle(run_id)
        with _known_run(run_id):
            description = await handle.describe()
        attributes = description.typed_search_attributes
        info = RunStatusInfo(
            run_id=run_id,
            agent_name=attributes.get(AGENT_NAME),
            status=_display_status(description.status, attributes.get(RUN_STATUS)),
            start_time=description.start_time,
            close_time=description.close_time,
            ui_url=self.ui_link(run_id),
        )
        if description.status == WorkflowExecutionStatus.RUNNING:
            try:
                info.progress = await self.progress(run_id)
                info.status = info.progress.status
            except ProgressUnavailableError as error:
                info.progress_unavailable = str(error)
        else:
            info.progress = await self._final_progress(run_id)
            if (
                info.progress is not None
                and description.status == WorkflowExecutionStatus.COMPLETED
            ):
                # A run cancelled after a turn completes as a workflow; its result says so.
                info.status = info.progress.status
        return info

    async def _final_progress(self, run_id: str) -> RunProgress | None:
        try:
            result = await self.result(run_id)
        except AgentsException as error:
            result = error.run_data
        if result is None:
            return None
        return RunProgress(
            status=result.status,
            current_turn=result.current_turn,
            max_turns=result.max_turns,
            current_agent=result.last_agent_name,
            usage=result.usage,
        )

    async def cancel_after_turn(self, run_id: str) -> None:
        """Ask the run to finish its current turn and end with status "cancelled"."""
        with _known_run(run_id):
            await self._handle(run_id).signal(CANCEL_AFTER_TURN_SIGNAL)

    async def cancel(self, run_id: str) -> None:
        """Hard cancel through Temporal: in-flight activities are cancelled, no result is kept."""
        with _known_run(run_id):
            await self._handle(run_id).cancel()

    async def list(
        self,
        *,
        agent_name: str | None = None,
        status: str | None = None,
        limit: int = 20,
    ) -> list[RunSummary]:
        """The newest runs first, filtered by the search attributes the project registers."""
        clauses = [f"WorkflowType = '{WORKFLOW_NAME}'"]
        if agent_name:
            clauses.append(f"{AGENT_NAME.name} = {_quoted(agent_name)}")
        if status:
            clauses.append(f"{RUN_STATUS.name} = {_quoted(status)}")
        runs: list[RunSummary] = []
        async for execution in self.temporal_client.list_workflows(
            " AND ".join(clauses), limit=limit
        ):
            attributes = execution.typed_search_attributes
            runs.append(
                RunSummary(
                    run_id=execution.id,
                    agent_name=attributes.get(AGENT_NAME),
                    status=_display_status(execution.status, attributes.get(RUN_STATUS)),
                    start_time=execution.start_time,
                    close_time=execution.close_time,
                    ui_url=self.ui_link(execution.id),
                )
            )
        return runs


def _quoted(value: str) -> str:
    """A string literal for a visibility query."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"

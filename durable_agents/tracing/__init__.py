"""The reference's tracing API (`agents.tracing`), as stand-ins: nothing is recorded yet.

Programs written for the Agents SDK call these (`with trace("My workflow"):`, `custom_span`,
`add_trace_processor`, ...), so they import and run here, with the reference's signatures:
traces and spans are created, get ids, work as context managers and become the current
trace/span, and processors and settings are kept, but no trace or span is recorded, exported
or handed to a processor, and a run does not join the trace it is started in. Tracing of runs
comes in a later release (see README, "Differences").
"""

from __future__ import annotations

import abc
import contextvars
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Generic, TypedDict, TypeVar

__all__ = [
    "AgentSpanData",
    "CustomSpanData",
    "FunctionSpanData",
    "GenerationSpanData",
    "GuardrailSpanData",
    "HandoffSpanData",
    "MCPListToolsSpanData",
    "ResponseSpanData",
    "Span",
    "SpanData",
    "SpanError",
    "SpeechGroupSpanData",
    "SpeechSpanData",
    "Trace",
    "TracingConfig",
    "TracingExporter",
    "TracingProcessor",
    "TranscriptionSpanData",
    "add_trace_processor",
    "agent_span",
    "custom_span",
    "function_span",
    "gen_group_id",
    "gen_span_id",
    "gen_trace_id",
    "generation_span",
    "get_current_span",
    "get_current_trace",
    "guardrail_span",
    "handoff_span",
    "mcp_tools_span",
    "response_span",
    "set_trace_processors",
    "set_tracing_disabled",
    "set_tracing_export_api_key",
    "speech_group_span",
    "speech_span",
    "trace",
    "transcription_span",
]

NO_OP_ID = "no-op"
"""The id of a disabled trace or span, as in the reference."""


def gen_trace_id() -> str:
    """A new trace id in the reference's format, `trace_<32 hex digits>`."""
    return f"trace_{uuid.uuid4().hex}"


def gen_span_id() -> str:
    """A new span id in the reference's format, `span_<24 hex digits>`."""
    return f"span_{uuid.uuid4().hex[:24]}"


def gen_group_id() -> str:
    """A new group id in the reference's format, `group_<24 hex digits>`."""
    return f"group_{uuid.uuid4().hex[:24]}"


class TracingConfig(TypedDict, total=False):
    """Export settings of one trace (`trace(..., tracing=...)`)."""

    api_key: str


class SpanError(TypedDict):
    message: str
    data: dict[str, Any] | None


# --- settings, kept for the tracing release --------------------------------------------------


class TracingProcessor(abc.ABC):
    """Receives traces and spans as they start and end (the reference's interface).

    Processors can be registered (`add_trace_processor`, `set_trace_processors`) but are not
    called yet: nothing is traced."""

    @abc.abstractmethod
    def on_trace_start(self, trace: Trace) -> None: ...

    @abc.abstractmethod
    def on_trace_end(self, trace: Trace) -> None: ...

    @abc.abstractmethod
    def on_span_start(self, span: Span[Any]) -> None: ...

    @abc.abstractmethod
    def on_span_end(self, span: Span[Any]) -> None: ...

    @abc.abstractmethod
    def shutdown(self) -> None: ...

    @abc.abstractmethod
    def force_flush(self) -> None: ...


class TracingExporter(abc.ABC):
    """Sends finished traces and spans somewhere (the reference's interface); not called yet."""

    @abc.abstractmethod
    def export(self, items: list[Trace | Span[Any]]) -> None: ...


_processors: list[TracingProcessor] = []
_disabled = False
_export_api_key: str | None = None


def add_trace_processor(span_processor: TracingProcessor) -> None:
    """Registers a processor. It is kept, but not called yet: nothing is traced."""
    _processors.append(span_processor)


def set_trace_processors(processors: list[TracingProcessor]) -> None:
    """Replaces the registered processors. They are kept, but not called yet."""
    _processors[:] = list(processors)


def set_tracing_disabled(disabled: bool) -> None:
    """Disables (or re-enables) tracing for the process. Nothing is traced either way yet;
    while disabled, `trace()` and the span functions return objects with the id `no-op`, as
    the reference's do."""
    global _disabled
    _disabled = bool(disabled)


def set_tracing_export_api_key(api_key: str) -> None:
    """Sets the OpenAI key traces would be exported with. Kept; nothing is exported yet."""
    global _export_api_key
    _export_api_key = api_key


def tracing_export_api_key() -> str | None:
    """The key set by `set_tracing_export_api_key`, else the one given to
    `set_default_openai_key(..., use_for_tracing=True)`, else None."""
    if _export_api_key is not None:
        return _export_api_key
    from ..openai_defaults import default_openai_key_for_tracing

    return default_openai_key_for_tracing()


# --- traces -------------------------------------------------------------------------------------

_current_trace: contextvars.ContextVar[Trace | None] = contextvars.ContextVar(
    "durable_agents_current_trace", default=None
)
_current_span: contextvars.ContextVar[Span[Any] | None] = contextvars.ContextVar(
    "durable_agents_current_span", default=None
)


def get_current_trace() -> Trace | None:
    """The trace whose `with` block (or `start(mark_as_current=True)`) this code is in."""
    return _current_trace.get()


def get_current_span() -> Span[Any] | None:
    """The span whose `with` block (or `start(mark_as_current=True)`) this code is in."""
    return _current_span.get()


class Trace(abc.ABC):
    """A trace: the root of one workflow's spans (the reference's interface)."""

    @abc.abstractmethod
    def __enter__(self) -> Trace: ...

    @abc.abstractmethod
    def __exit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None: ...

    @abc.abstractmethod
    def start(self, mark_as_current: bool = False) -> None: ...

    @abc.abstractmethod
    def finish(self, reset_current: bool = False) -> None: ...

    @property
    @abc.abstractmethod
    def trace_id(self) -> str: ...

    @property
    @abc.abstractmethod
    def name(self) -> str: ...

    @abc.abstractmethod
    def export(self) -> dict[str, Any] | None: ...

    @property
    @abc.abstractmethod
    def tracing_api_key(self) -> str | None: ...


class _UnrecordedTrace(Trace):
    """What `trace()` returns: ids, name and metadata, and being the current trace inside its
    `with` block; it is not recorded or exported, and no processor hears of it."""

    def __init__(
        self,
        name: str,
        trace_id: str,
        group_id: str | None = None,
        metadata: dict[str, Any] | None = None,
        tracing_api_key: str | None = None,
    ) -> None:
        self._name = name
        self._trace_id = trace_id
        self.group_id = group_id
        self.metadata = metadata
        self._tracing_api_key = tracing_api_key
        self._token: contextvars.Token[Trace | None] | None = None

    def __enter__(self) -> Trace:
        if self._token is None:
            self.start(mark_as_current=True)
        return self

    def __exit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        self.finish(reset_current=exc_type is not GeneratorExit)

    def start(self, mark_as_current: bool = False) -> None:
        if mark_as_current and self._token is None:
            self._token = _current_trace.set(self)

    def finish(self, reset_current: bool = False) -> None:
        if reset_current and self._token is not None:
            _current_trace.reset(self._token)
            self._token = None

    @property
    def trace_id(self) -> str:
        return self._trace_id

    @property
    def name(self) -> str:
        return self._name

    def export(self) -> dict[str, Any] | None:
        if self._trace_id == NO_OP_ID:
            return None
        return {
            "object": "trace",
            "id": self._trace_id,
            "workflow_name": self._name,
            "group_id": self.group_id,
            "metadata": self.metadata,
        }

    @property
    def tracing_api_key(self) -> str | None:
        return self._tracing_api_key


def trace(
    workflow_name: str,
    trace_id: str | None = None,
    group_id: str | None = None,
    metadata: dict[str, Any] | None = None,
    tracing: TracingConfig | None = None,
    disabled: bool = False,
) -> Trace:
    """A new trace, not started: use it as `with trace(...) as t:` or call `start()` and
    `finish()`. It has `trace_id` (the one given, else a new `gen_trace_id()`; `no-op` when
    disabled) and is the current trace inside its block, but records nothing yet: the runs
    inside it are not traced (see the module docstring)."""
    if disabled or _disabled:
        return _UnrecordedTrace(NO_OP_ID, NO_OP_ID)
    return _UnrecordedTrace(
        workflow_name,
        trace_id or gen_trace_id(),
        group_id=group_id,
        metadata=metadata,
        tracing_api_key=(tracing or {}).get("api_key"),
    )


# --- span data ----------------------------------------------------------------------------------


class SpanData(abc.ABC):
    """What a span is about (the reference's interface): `type` and `export()`."""

    @property
    @abc.abstractmethod
    def type(self) -> str: ...

    @abc.abstractmethod
    def export(self) -> dict[str, Any]: ...


@dataclass
class _FieldsSpanData(SpanData):
    """Span data exported as its type and its fields."""

    kind: ClassVar[str] = "custom"

    @property
    def type(self) -> str:
        return self.kind

    def export(self) -> dict[str, Any]:
        return {"type": self.type, **asdict(self)}


@dataclass
class AgentSpanData(_FieldsSpanData):
    kind: ClassVar[str] = "agent"
    name: str
    handoffs: list[str] | None = None
    tools: list[str] | None = None
    output_type: str | None = None


@dataclass
class FunctionSpanData(_FieldsSpanData):
    kind: ClassVar[str] = "function"
    name: str
    input: str | None = None
    output: Any | None = None
    mcp_data: dict[str, Any] | None = None


@dataclass
class GenerationSpanData(_FieldsSpanData):
    kind: ClassVar[str] = "generation"
    input: Sequence[Mapping[str, Any]] | None = None
    output: Sequence[Mapping[str, Any]] | None = None
    model: str | None = None
    model_config: Mapping[str, Any] | None = None
    usage: dict[str, Any] | None = None


@dataclass
class ResponseSpanData(_FieldsSpanData):
    kind: ClassVar[str] = "response"
    response: Any = None
    """An `openai.types.responses.Response`."""
    input: Any = None

    def export(self) -> dict[str, Any]:
        return {"type": self.type, "response_id": getattr(self.response, "id", None)}


@dataclass
class HandoffSpanData(_FieldsSpanData):
    kind: ClassVar[str] = "handoff"
    from_agent: str | None = None
    to_agent: str | None = None


@dataclass
class CustomSpanData(_FieldsSpanData):
    kind: ClassVar[str] = "custom"
    name: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class GuardrailSpanData(_FieldsSpanData):
    kind: ClassVar[str] = "guardrail"
    name: str
    triggered: bool = False


@dataclass
class TranscriptionSpanData(_FieldsSpanData):
    kind: ClassVar[str] = "transcription"
    input: str | None = None
    input_format: str | None = "pcm"
    output: str | None = None
    model: str | None = None
    model_config: Mapping[str, Any] | None = None


@dataclass
class SpeechSpanData(_FieldsSpanData):
    kind: ClassVar[str] = "speech"
    input: str | None = None
    output: str | None = None
    output_format: str | None = "pcm"
    model: str | None = None
    model_config: Mapping[str, Any] | None = None
    first_content_at: str | None = None


@dataclass
class SpeechGroupSpanData(_FieldsSpanData):
    kind: ClassVar[str] = "speech_group"
    input: str | None = None


@dataclass
class MCPListToolsSpanData(_FieldsSpanData):
    kind: ClassVar[str] = "mcp_tools"
    server: str | None = None
    result: list[str] | None = None


# --- spans --------------------------------------------------------------------------------------

TSpanData = TypeVar("TSpanData", bound=SpanData)


class Span(abc.ABC, Generic[TSpanData]):
    """One timed operation inside a trace (the reference's interface)."""

    @property
    @abc.abstractmethod
    def trace_id(self) -> str: ...

    @property
    @abc.abstractmethod
    def span_id(self) -> str: ...

    @property
    @abc.abstractmethod
    def span_data(self) -> TSpanData: ...

    @property
    @abc.abstractmethod
    def parent_id(self) -> str | None: ...

    @abc.abstractmethod
    def start(self, mark_as_current: bool = False) -> None: ...

    @abc.abstractmethod
    def finish(self, reset_current: bool = False) -> None: ...

    @abc.abstractmethod
    def __enter__(self) -> Span[TSpanData]: ...

    @abc.abstractmethod
    def __exit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None: ...

    @abc.abstractmethod
    def set_error(self, error: SpanError) -> None: ...

    @property
    @abc.abstractmethod
    def error(self) -> SpanError | None: ...

    @abc.abstractmethod
    def export(self) -> dict[str, Any] | None: ...

    @property
    @abc.abstractmethod
    def started_at(self) -> str | None: ...

    @property
    @abc.abstractmethod
    def ended_at(self) -> str | None: ...

    @property
    @abc.abstractmethod
    def tracing_api_key(self) -> str | None: ...


class _UnrecordedSpan(Span[TSpanData]):
    """What the span functions return: ids, data, a parent, an error, and being the current
    span inside its `with` block; no times are taken and nothing is recorded or exported."""

    def __init__(
        self, span_data: TSpanData, span_id: str, trace_id: str, parent_id: str | None
    ) -> None:
        self._span_data = span_data
        self._span_id = span_id
        self._trace_id = trace_id
        self._parent_id = parent_id
        self._error: SpanError | None = None
        self._token: contextvars.Token[Span[Any] | None] | None = None

    @property
    def trace_id(self) -> str:
        return self._trace_id

    @property
    def span_id(self) -> str:
        return self._span_id

    @property
    def span_data(self) -> TSpanData:
        return self._span_data

    @property
    def parent_id(self) -> str | None:
        return self._parent_id

    def start(self, mark_as_current: bool = False) -> None:
        if mark_as_current and self._token is None:
            self._token = _current_span.set(self)

    def finish(self, reset_current: bool = False) -> None:
        if reset_current and self._token is not None:
            _current_span.reset(self._token)
            self._token = None

    def __enter__(self) -> Span[TSpanData]:
        self.start(mark_as_current=True)
        return self

    def __exit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        self.finish(reset_current=exc_type is not GeneratorExit)

    def set_error(self, error: SpanError) -> None:
        self._error = error

    @property
    def error(self) -> SpanError | None:
        return self._error

    def export(self) -> dict[str, Any] | None:
        if self._span_id == NO_OP_ID:
            return None
        return {
            "object": "trace.span",
            "id": self._span_id,
            "trace_id": self._trace_id,
            "parent_id": self._parent_id,
            "span_data": self._span_data.export(),
            "error": self._error,
        }

    @property
    def started_at(self) -> str | None:
        return None

    @property
    def ended_at(self) -> str | None:
        return None

    @property
    def tracing_api_key(self) -> str | None:
        return None


def _span(
    data: TSpanData, span_id: str | None, parent: Trace | Span[Any] | None, disabled: bool
) -> Span[TSpanData]:
    """A span under `parent`, else under the current span or trace; a span with no trace, or
    one disabled, has the id `no-op`, as in the reference."""
    if parent is None:
        parent = get_current_span() or get_current_trace()
    if disabled or _disabled or parent is None or parent.trace_id == NO_OP_ID:
        return _UnrecordedSpan(data, NO_OP_ID, NO_OP_ID, None)
    parent_id = parent.span_id if isinstance(parent, Span) else None
    return _UnrecordedSpan(data, span_id or gen_span_id(), parent.trace_id, parent_id)


def agent_span(
    name: str,
    handoffs: list[str] | None = None,
    tools: list[str] | None = None,
    output_type: str | None = None,
    span_id: str | None = None,
    parent: Trace | Span[Any] | None = None,
    disabled: bool = False,
) -> Span[AgentSpanData]:
    """A span for an agent (`with` it, or `start()`, `finish()`); records nothing yet."""
    return _span(AgentSpanData(name, handoffs, tools, output_type), span_id, parent, disabled)


def function_span(
    name: str,
    input: str | None = None,
    output: str | None = None,
    span_id: str | None = None,
    parent: Trace | Span[Any] | None = None,
    disabled: bool = False,
) -> Span[FunctionSpanData]:
    """A span for a function call (`with` it, or `start()`, `finish()`); records nothing yet."""
    return _span(FunctionSpanData(name, input, output), span_id, parent, disabled)


def generation_span(
    input: Sequence[Mapping[str, Any]] | None = None,
    output: Sequence[Mapping[str, Any]] | None = None,
    model: str | None = None,
    model_config: Mapping[str, Any] | None = None,
    usage: dict[str, Any] | None = None,
    span_id: str | None = None,
    parent: Trace | Span[Any] | None = None,
    disabled: bool = False,
) -> Span[GenerationSpanData]:
    """A span for a model generation (`with` it, or `start()`, `finish()`); records nothing yet."""
    data = GenerationSpanData(input, output, model, model_config, usage)
    return _span(data, span_id, parent, disabled)


def response_span(
    response: Any = None,
    span_id: str | None = None,
    parent: Trace | Span[Any] | None = None,
    disabled: bool = False,
) -> Span[ResponseSpanData]:
    """A span for a model response (`with` it, or `start()`, `finish()`); records nothing yet."""
    return _span(ResponseSpanData(response), span_id, parent, disabled)


def handoff_span(
    from_agent: str | None = None,
    to_agent: str | None = None,
    span_id: str | None = None,
    parent: Trace | Span[Any] | None = None,
    disabled: bool = False,
) -> Span[HandoffSpanData]:
    """A span for a handoff (`with` it, or `start()`, `finish()`); records nothing yet."""
    return _span(HandoffSpanData(from_agent, to_agent), span_id, parent, disabled)


def custom_span(
    name: str,
    data: dict[str, Any] | None = None,
    span_id: str | None = None,
    parent: Trace | Span[Any] | None = None,
    disabled: bool = False,
) -> Span[CustomSpanData]:
    """A span for a custom (`with` it, or `start()`, `finish()`); records nothing yet."""
    return _span(CustomSpanData(name, data or {}), span_id, parent, disabled)


def guardrail_span(
    name: str,
    triggered: bool = False,
    span_id: str | None = None,
    parent: Trace | Span[Any] | None = None,
    disabled: bool = False,
) -> Span[GuardrailSpanData]:
    """A span for a guardrail (`with` it, or `start()`, `finish()`); records nothing yet."""
    return _span(GuardrailSpanData(name, triggered), span_id, parent, disabled)


def transcription_span(
    model: str | None = None,
    input: str | None = None,
    input_format: str | None = "pcm",
    output: str | None = None,
    model_config: Mapping[str, Any] | None = None,
    span_id: str | None = None,
    parent: Trace | Span[Any] | None = None,
    disabled: bool = False,
) -> Span[TranscriptionSpanData]:
    """A span for a transcription (`with` it, or `start()`, `finish()`); records nothing yet."""
    data = TranscriptionSpanData(input, input_format, output, model, model_config)
    return _span(data, span_id, parent, disabled)


def speech_span(
    model: str | None = None,
    input: str | None = None,
    output: str | None = None,
    output_format: str | None = "pcm",
    model_config: Mapping[str, Any] | None = None,
    first_content_at: str | None = None,
    span_id: str | None = None,
    parent: Trace | Span[Any] | None = None,
    disabled: bool = False,
) -> Span[SpeechSpanData]:
    """A span for a speech (`with` it, or `start()`, `finish()`); records nothing yet."""
    data = SpeechSpanData(input, output, output_format, model, model_config, first_content_at)
    return _span(data, span_id, parent, disabled)


def speech_group_span(
    input: str | None = None,
    span_id: str | None = None,
    parent: Trace | Span[Any] | None = None,
    disabled: bool = False,
) -> Span[SpeechGroupSpanData]:
    """A span for a speech group (`with` it, or `start()`, `finish()`); records nothing yet."""
    return _span(SpeechGroupSpanData(input), span_id, parent, disabled)


def mcp_tools_span(
    server: str | None = None,
    result: list[str] | None = None,
    span_id: str | None = None,
    parent: Trace | Span[Any] | None = None,
    disabled: bool = False,
) -> Span[MCPListToolsSpanData]:
    """A span for an MCP list-tools (`with` it, or `start()`, `finish()`); records nothing yet."""
    return _span(MCPListToolsSpanData(server, result), span_id, parent, disabled)

"""The definition API: write agents as with the OpenAI Agents SDK, run them on Temporal."""

import importlib
import logging
import sys

from .agent import (
    Agent,
    AgentBase,
    FunctionToolResult,
    StopAtTools,
    ToolsToFinalOutputFunction,
    ToolsToFinalOutputResult,
)
from .agent_output import AgentOutputSchema, AgentOutputSchemaBase
from .exceptions import (
    AgentsException,
    InputGuardrailTripwireTriggered,
    MaxTurnsExceeded,
    ModelBehaviorError,
    OutputGuardrailTripwireTriggered,
    RunCancelledError,
    RunFailedError,
    ToolInputGuardrailTripwireTriggered,
    ToolOutputGuardrailTripwireTriggered,
    UnknownAgentError,
    UserError,
)
from .guardrail import (
    GuardrailFunctionOutput,
    InputGuardrail,
    InputGuardrailResult,
    OutputGuardrail,
    OutputGuardrailResult,
    ToolGuardrailFunctionOutput,
    ToolGuardrailResult,
    ToolInputGuardrail,
    ToolInputGuardrailData,
    ToolOutputGuardrail,
    ToolOutputGuardrailData,
    input_guardrail,
    output_guardrail,
    tool_input_guardrail,
    tool_output_guardrail,
)
from .handoffs import Handoff, HandoffInputData, HandoffInputFilter, handoff
from .items import (
    HandoffCallItem,
    HandoffOutputItem,
    ItemHelpers,
    MessageOutputItem,
    ReasoningItem,
    RunItem,
    ToolCallItem,
    ToolCallOutputItem,
)
from .lifecycle import AgentHooks, AgentHooksBase, RunHooks, RunHooksBase
from .memory import Session, SessionABC, SessionInputCallback, SQLiteSession
from .model_input import CallModelData, ModelInputData
from .model_settings import ModelSettings, Reasoning
from .models import (
    Model,
    ModelProvider,
    ModelRequest,
    ModelResponse,
    TResponseInputItem,
    TResponseStreamEvent,
)
from .models.interface import ModelTracing
from .openai_defaults import (
    set_default_openai_api,
    set_default_openai_client,
    set_default_openai_key,
)
from .registry import AgentRegistry
from .result import RunErrorDetails, RunResult
from .run_config import DEFAULT_MAX_TURNS, RunConfig
from .run_context import AgentHookContext, RunContextWrapper, TContext, ToolContext
from .stream_events import (
    AgentUpdatedStreamEvent,
    RawResponsesStreamEvent,
    RunItemStreamEvent,
    StreamEvent,
)
from .tool import FunctionTool, Tool, default_tool_error_function, function_tool
from .tool_guardrails import ToolInputGuardrailResult, ToolOutputGuardrailResult
from .tracing import (
    AgentSpanData,
    CustomSpanData,
    FunctionSpanData,
    GenerationSpanData,
    GuardrailSpanData,
    HandoffSpanData,
    MCPListToolsSpanData,
    Span,
    SpanData,
    SpanError,
    SpeechGroupSpanData,
    SpeechSpanData,
    Trace,
    TracingProcessor,
    TranscriptionSpanData,
    add_trace_processor,
    agent_span,
    custom_span,
    function_span,
    gen_span_id,
    gen_trace_id,
    generation_span,
    get_current_span,
    get_current_trace,
    guardrail_span,
    handoff_span,
    mcp_tools_span,
    set_trace_processors,
    set_tracing_disabled,
    set_tracing_export_api_key,
    speech_group_span,
    speech_span,
    trace,
    transcription_span,
)
from .usage import Usage

__all__ = [
    "AgentSpanData",
    "CustomSpanData",
    "DEFAULT_MAX_TURNS",
    "Agent",
    "AgentBase",
    "AgentHookContext",
    "AgentHooks",
    "AgentHooksBase",
    "AgentOutputSchema",
    "AgentOutputSchemaBase",
    "AgentRegistry",
    "AgentUpdatedStreamEvent",
    "AgentsException",
    "CallModelData",
    "FunctionSpanData",
    "FunctionTool",
    "FunctionToolResult",
    "GenerationSpanData",
    "GuardrailFunctionOutput",
    "GuardrailSpanData",
    "Handoff",
    "HandoffCallItem",
    "HandoffInputData",
    "HandoffInputFilter",
    "HandoffOutputItem",
    "HandoffSpanData",
    "InputGuardrail",
    "InputGuardrailResult",
    "InputGuardrailTripwireTriggered",
    "ItemHelpers",
    "MCPListToolsSpanData",
    "MaxTurnsExceeded",
    "MessageOutputItem",
    "Model",
    "ModelBehaviorError",
    "ModelInputData",
    "ModelProvider",
    "ModelRequest",
    "ModelResponse",
    "ModelSettings",
    "ModelTracing",
    "MultiProvider",
    "OpenAIChatCompletionsModel",
    "OpenAIProvider",
    "OpenAIResponsesModel",
    "OutputGuardrail",
    "OutputGuardrailResult",
    "OutputGuardrailTripwireTriggered",
    "RawResponsesStreamEvent",
    "Reasoning",
    "ReasoningItem",
    "RunCancelledError",
    "RunConfig",
    "Runner",
    "RunHooks",
    "RunHooksBase",
    "RunItemStreamEvent",
    "RunContextWrapper",
    "RunErrorDetails",
    "RunFailedError",
    "RunItem",
    "RunResult",
    "RunResultStreaming",
    "SQLiteSession",
    "Session",
    "SessionABC",
    "SessionInputCallback",
    "Span",
    "SpanData",
    "SpanError",
    "SpeechGroupSpanData",
    "SpeechSpanData",
    "StreamEvent",
    "StopAtTools",
    "TContext",
    "TResponseInputItem",
    "TResponseStreamEvent",
    "ToolCallItem",
    "ToolCallOutputItem",
    "Tool",
    "ToolContext",
    "ToolGuardrailFunctionOutput",
    "ToolGuardrailResult",
    "ToolInputGuardrail",
    "ToolInputGuardrailData",
    "ToolInputGuardrailResult",
    "ToolInputGuardrailTripwireTriggered",
    "ToolOutputGuardrail",
    "ToolOutputGuardrailData",
    "ToolOutputGuardrailResult",
    "ToolOutputGuardrailTripwireTriggered",
    "ToolsToFinalOutputFunction",
    "ToolsToFinalOutputResult",
    "Trace",
    "TracingProcessor",
    "TranscriptionSpanData",
    "UnknownAgentError",
    "UserError",
    "Usage",
    "add_trace_processor",
    "agent_span",
    "custom_span",
    "default_tool_error_function",
    "enable_verbose_stdout_logging",
    "function_span",
    "function_tool",
    "gen_span_id",
    "gen_trace_id",
    "generation_span",
    "get_current_span",
    "get_current_trace",
    "guardrail_span",
    "handoff",
    "handoff_span",
    "input_guardrail",
    "mcp_tools_span",
    "output_guardrail",
    "set_default_openai_api",
    "set_default_openai_client",
    "set_default_openai_key",
    "set_trace_processors",
    "set_tracing_disabled",
    "set_tracing_export_api_key",
    "speech_group_span",
    "speech_span",
    "tool_input_guardrail",
    "tool_output_guardrail",
    "trace",
    "transcription_span",
]


def enable_verbose_stdout_logging() -> None:
    """As in the reference: the standard-library loggers `openai.agents` and `durable_agents`
    log at DEBUG to stdout. (Most of this project's own logs go through structlog, configured
    by the worker or `Runner`, and are not changed by this.)"""
    for name in ("openai.agents", "durable_agents"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        logger.addHandler(logging.StreamHandler(sys.stdout))


_LOADED_ON_USE = {
    "Runner": "runner.runner",
    "RunResultStreaming": "runner.streaming",
    "MultiProvider": "activities.models.provider",
    "OpenAIChatCompletionsModel": "activities.models.openai_chat",
    "OpenAIProvider": "activities.models.provider",
    "OpenAIResponsesModel": "activities.models.openai_responses",
}


def __getattr__(name: str) -> object:
    """`Runner` and its streamed result load on first use (PEP 562): they bring the client and
    the worker, which the workflow sandbox, importing this package for its data types, must
    never load. So do the OpenAI model classes, which live with the activities."""
    if name in _LOADED_ON_USE:
        return getattr(importlib.import_module(_LOADED_ON_USE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

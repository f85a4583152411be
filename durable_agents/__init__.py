"""The definition API: write agents as with the OpenAI Agents SDK, run them on Temporal."""

import importlib

from .agent import (
    Agent,
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
from .handoffs import Handoff, HandoffInputData, handoff
from .items import ItemHelpers, RunItem
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
from .registry import AgentRegistry
from .result import RunResult
from .run_config import DEFAULT_MAX_TURNS, RunConfig
from .run_context import AgentHookContext, RunContextWrapper, ToolContext
from .stream_events import (
    AgentUpdatedStreamEvent,
    RawResponsesStreamEvent,
    RunItemStreamEvent,
    StreamEvent,
)
from .tool import FunctionTool, default_tool_error_function, function_tool
from .usage import Usage

__all__ = [
    "DEFAULT_MAX_TURNS",
    "Agent",
    "AgentHookContext",
    "AgentHooks",
    "AgentHooksBase",
    "AgentOutputSchema",
    "AgentOutputSchemaBase",
    "AgentRegistry",
    "AgentUpdatedStreamEvent",
    "AgentsException",
    "CallModelData",
    "FunctionTool",
    "FunctionToolResult",
    "GuardrailFunctionOutput",
    "Handoff",
    "HandoffInputData",
    "InputGuardrail",
    "InputGuardrailResult",
    "InputGuardrailTripwireTriggered",
    "ItemHelpers",
    "MaxTurnsExceeded",
    "Model",
    "ModelBehaviorError",
    "ModelInputData",
    "ModelProvider",
    "ModelRequest",
    "ModelResponse",
    "ModelSettings",
    "OutputGuardrail",
    "OutputGuardrailResult",
    "OutputGuardrailTripwireTriggered",
    "RawResponsesStreamEvent",
    "Reasoning",
    "RunCancelledError",
    "RunConfig",
    "Runner",
    "RunHooks",
    "RunHooksBase",
    "RunItemStreamEvent",
    "RunContextWrapper",
    "RunFailedError",
    "RunItem",
    "RunResult",
    "RunResultStreaming",
    "SQLiteSession",
    "Session",
    "SessionABC",
    "SessionInputCallback",
    "StreamEvent",
    "StopAtTools",
    "TResponseInputItem",
    "TResponseStreamEvent",
    "ToolContext",
    "ToolGuardrailFunctionOutput",
    "ToolGuardrailResult",
    "ToolInputGuardrail",
    "ToolInputGuardrailData",
    "ToolInputGuardrailTripwireTriggered",
    "ToolOutputGuardrail",
    "ToolOutputGuardrailData",
    "ToolOutputGuardrailTripwireTriggered",
    "ToolsToFinalOutputFunction",
    "ToolsToFinalOutputResult",
    "UnknownAgentError",
    "UserError",
    "Usage",
    "default_tool_error_function",
    "function_tool",
    "handoff",
    "input_guardrail",
    "output_guardrail",
    "tool_input_guardrail",
    "tool_output_guardrail",
]


_LOADED_ON_USE = {"Runner": "runner.runner", "RunResultStreaming": "runner.streaming"}


def __getattr__(name: str) -> object:
    """`Runner` and its streamed result load on first use (PEP 562): they bring the client and
    the worker, which the workflow sandbox, importing this package for its data types, must
    never load."""
    if name in _LOADED_ON_USE:
        return getattr(importlib.import_module(_LOADED_ON_USE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

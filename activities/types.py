"""Inputs and outputs of the agent activities: everything that crosses into workflow history."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from durable_agents.guardrail import GuardrailFunctionOutput, ToolGuardrailResult
from durable_agents.items import RunItem
from durable_agents.model_settings import ModelSettings
from durable_agents.models import ModelResponse, TResponseInputItem
from durable_agents.spec import RunSpecs

CONVERSATION_QUERY = "conversation"
"""The workflow query a model activity uses to fetch a conversation its worker does not hold."""


class ConversationSnapshot(BaseModel):
    key: str
    items: list[TResponseInputItem]


class CallScope(BaseModel):
    """Who is calling: lets an activity find the definition and bind log context."""

    run_id: str
    agent_name: str
    turn: int
    context: Any = None


class ResolveRunInput(BaseModel):
    agent_name: str
    input_guardrails: list[str] | None = None
    output_guardrails: list[str] | None = None


class ResolveRunOutput(BaseModel):
    specs: RunSpecs


class ConversationRef(BaseModel):
    """The conversation by reference: the activity holds (or fetches) the first `base_length`
    items and gets only the items after them, so history does not grow with the square of the
    conversation length."""

    key: str
    base_length: int = 0
    delta: list[TResponseInputItem] = Field(default_factory=list)
    server_managed: bool = False
    """The provider holds the conversation (previous_response_id / conversation_id): send only
    `delta`."""


class ModelTurnInput(BaseModel):
    scope: CallScope
    conversation: ConversationRef
    model: str | None = None
    """The run config's model override, by name."""
    model_settings: ModelSettings | None = None
    reset_tool_choice: bool = False
    previous_response_id: str | None = None
    conversation_id: str | None = None


class ModelTurnOutput(BaseModel):
    response: ModelResponse
    offered_tools: list[str] = Field(default_factory=list)
    """Tool and handoff names the model was offered (after `is_enabled`)."""
    final_output: Any = None
    has_final_output: bool = False
    """True when the response has no tool calls and yields a final output (text or validated)."""


class ToolCallInput(BaseModel):
    scope: CallScope
    tool_name: str
    call_id: str
    arguments: str


class ToolTripwire(BaseModel):
    kind: Literal["input", "output"]
    result: ToolGuardrailResult


class ToolCallOutput(BaseModel):
    output: Any = None
    """The tool's return value as JSON-able data (or the error text the model will see)."""
    output_text: str
    input_guardrail_results: list[ToolGuardrailResult] = Field(default_factory=list)
    output_guardrail_results: list[ToolGuardrailResult] = Field(default_factory=list)
    tripwire: ToolTripwire | None = None


class GuardrailCheckInput(BaseModel):
    scope: CallScope
    kind: Literal["input", "output"]
    guardrail_name: str
    value: Any
    """The run input for input guardrails, the final output for output guardrails."""


class GuardrailCheckOutput(BaseModel):
    output: GuardrailFunctionOutput


class HandoffCallInput(BaseModel):
    scope: CallScope
    tool_name: str
    arguments: str
    run_filter: bool = False
    """Apply the handoff's input filter (or the registry's) to the history below."""
    input_history: str | list[TResponseInputItem] = Field(default_factory=list)
    pre_handoff_items: list[RunItem] = Field(default_factory=list)
    new_items: list[RunItem] = Field(default_factory=list)


class HandoffCallOutput(BaseModel):
    filtered: bool = False
    input_history: str | list[TResponseInputItem] = Field(default_factory=list)
    pre_handoff_items: list[RunItem] = Field(default_factory=list)
    new_items: list[RunItem] = Field(default_factory=list)
    input_items: list[RunItem] | None = None


class ToolResultData(BaseModel):
    tool_name: str
    call_id: str
    output: Any = None


class ToolsToFinalOutputInput(BaseModel):
    scope: CallScope
    results: list[ToolResultData]


class ToolsToFinalOutputOutput(BaseModel):
    is_final_output: bool
    final_output: Any = None

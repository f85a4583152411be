"""The tool activities' inputs and outputs: one function tool call, and a custom
`tool_use_behavior` deciding on a turn's tool results."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from durable_agents.guardrail import ToolGuardrailResult

from .context import ContextUpdate
from .scope import CallScope


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
    context: ContextUpdate | None = None
    """How the activity's user code changed the run's context, if it did."""


class ToolResultData(BaseModel):
    tool_name: str
    call_id: str
    output: Any = None
    output_text: str | None = None
    """The output's text as the run recorded it (`ToolCallOutput.output_text`); None in inputs
    recorded before it was sent, which rebuild it from `output`."""


class ToolsToFinalOutputInput(BaseModel):
    scope: CallScope
    results: list[ToolResultData]


class ToolsToFinalOutputOutput(BaseModel):
    is_final_output: bool
    final_output: Any = None
    context: ContextUpdate | None = None
    """How the activity's user code changed the run's context, if it did."""

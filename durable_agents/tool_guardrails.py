"""Tool guardrails at the reference's module path (`agents.tool_guardrails`).

The reference has a result class for each side; here one `ToolGuardrailResult` serves both,
under both names."""

from .guardrail import (
    ToolGuardrailFunctionOutput,
    ToolGuardrailResult,
    ToolInputGuardrail,
    ToolInputGuardrailData,
    ToolOutputGuardrail,
    ToolOutputGuardrailData,
    tool_input_guardrail,
    tool_output_guardrail,
)

ToolInputGuardrailResult = ToolGuardrailResult
ToolOutputGuardrailResult = ToolGuardrailResult

__all__ = [
    "ToolGuardrailFunctionOutput",
    "ToolGuardrailResult",
    "ToolInputGuardrail",
    "ToolInputGuardrailData",
    "ToolInputGuardrailResult",
    "ToolOutputGuardrail",
    "ToolOutputGuardrailData",
    "ToolOutputGuardrailResult",
    "tool_input_guardrail",
    "tool_output_guardrail",
]

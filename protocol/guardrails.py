"""The guardrail activity's input and output (input and output guardrails; tool guardrails run
inside the tool activity)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from durable_agents.guardrail import GuardrailFunctionOutput

from .context import ContextUpdate
from .scope import CallScope


class GuardrailCheckInput(BaseModel):
    scope: CallScope
    kind: Literal["input", "output"]
    guardrail_name: str
    value: Any
    """The run input for input guardrails, the final output for output guardrails."""


class GuardrailCheckOutput(BaseModel):
    output: GuardrailFunctionOutput
    context: ContextUpdate | None = None
    """How the activity's user code changed the run's context, if it did."""

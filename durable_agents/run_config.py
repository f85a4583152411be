"""Run-wide settings that travel with the run. Everything here is data: callables cannot cross
into the workflow, so run-wide guardrails are named and resolved from the worker's registry."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from .model_settings import ModelSettings

DEFAULT_MAX_TURNS = 10


class RunConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str | None = None
    """Overrides every agent's model; resolved by the worker's model provider."""
    model_settings: ModelSettings | None = None
    """Non-None values override each agent's settings."""
    nest_handoff_history: bool = True
    """Collapse the prior transcript into one assistant message on handoff (reference default)."""
    input_guardrails: list[str] | None = None
    """Names of guardrails registered in the worker's `AgentRegistry`, run on the initial input."""
    output_guardrails: list[str] | None = None
    tracing_disabled: bool = False
    workflow_name: str = "Agent workflow"
    trace_id: str | None = None
    group_id: str | None = None
    trace_metadata: dict[str, Any] | None = None

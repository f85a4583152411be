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
    """Honoured trivially for now: no traces are recorded yet (see `unhonoured_tracing`)."""
    workflow_name: str = "Agent workflow"
    trace_id: str | None = None
    group_id: str | None = None
    trace_metadata: dict[str, Any] | None = None

    def unhonoured_tracing(self) -> list[str]:
        """The tracing fields set here that have no effect yet, so a run can say so.

        Tracing comes in a later release; until then a run that asks for a trace name, id,
        group or metadata is told, not silently given nothing. With `tracing_disabled` set
        nothing is asked for, so nothing is reported.
        """
        if self.tracing_disabled:
            return []
        return sorted(name for name in TRACING_FIELDS if name in self.model_fields_set)


TRACING_FIELDS = ("group_id", "trace_id", "trace_metadata", "workflow_name")

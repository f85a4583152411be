"""Run-wide settings that travel with the run.

Most are data. The reference also takes objects here: a `Model`, a model provider, callables
(handoff and model-input filters, the session input callback) and guardrail objects. Those
cannot travel into a workflow: `Runner` hands them to the worker it runs in the program's
process (and sends names in their place); a run started by name (`AgentClient`, or `Runner` on
a cluster's workers) refuses them (`objects()`), and there guardrails are named and resolved
from the worker's registry."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .guardrail import InputGuardrail, OutputGuardrail
from .handoffs import HandoffInputFilter
from .memory import SessionInputCallback
from .model_input import CallModelInputFilter
from .model_settings import ModelSettings
from .models import Model, ModelProvider

DEFAULT_MAX_TURNS = 10


class RunConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    model: str | Model | None = None
    """Overrides every agent's model: a name, resolved by the worker's model provider, or (with
    `Runner` in the program's process) a `Model` object."""
    model_provider: ModelProvider | None = Field(default=None, exclude=True)
    """Resolves model names (with `Runner` in the program's process; a worker has its own)."""
    model_settings: ModelSettings | None = None
    """Non-None values override each agent's settings."""
    nest_handoff_history: bool = True
    """Collapse the prior transcript into one assistant message on handoff (reference default)."""
    handoff_input_filter: HandoffInputFilter | None = Field(default=None, exclude=True)
    """Edits the input of every handoff without a filter of its own."""
    input_guardrails: list[str | InputGuardrail] | None = None
    """Run on the initial input: guardrail objects, or names of guardrails registered in the
    worker's `AgentRegistry`."""
    output_guardrails: list[str | OutputGuardrail] | None = None
    tracing_disabled: bool = False
    """Honoured trivially for now: no traces are recorded yet (see `unhonoured_tracing`)."""
    workflow_name: str = "Agent workflow"
    trace_id: str | None = None
    group_id: str | None = None
    trace_metadata: dict[str, Any] | None = None
    session_input_callback: SessionInputCallback | None = Field(default=None, exclude=True)
    """Combines the session's history with the run's new input."""
    call_model_input_filter: CallModelInputFilter | None = Field(default=None, exclude=True)
    """Edits each model call's input."""

    def objects(self) -> list[str]:
        """The fields set to objects of this process, which cannot travel with a run."""
        named = [name for name in CALLABLE_FIELDS if getattr(self, name) is not None]
        if isinstance(self.model, Model):
            named.append("model")
        for name in ("input_guardrails", "output_guardrails"):
            if any(not isinstance(g, str) for g in getattr(self, name) or ()):
                named.append(name)
        return sorted(named)

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
CALLABLE_FIELDS = (
    "model_provider",
    "handoff_input_filter",
    "session_input_callback",
    "call_model_input_filter",
)

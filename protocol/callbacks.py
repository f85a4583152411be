"""Inputs and outputs of the activities that run the rest of the user's callbacks: resolving
the run's agents, handoff callbacks and input filters, and the end hooks."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from durable_agents.items import RunItem
from durable_agents.models import TResponseInputItem
from durable_agents.spec import RunSpecs

from .context import ContextUpdate
from .scope import CallScope
from .segments import SegmentRef


class ResolveRunInput(BaseModel):
    agent_name: str
    input_guardrails: list[str] | None = None
    output_guardrails: list[str] | None = None


class ResolveRunOutput(BaseModel):
    specs: RunSpecs
    external_item_store: bool | None = None
    """Whether the worker's item store is external storage (else segments travel inline)."""


class HandoffCallInput(BaseModel):
    scope: CallScope
    tool_name: str
    arguments: str
    run_filter: bool = False
    """Apply the handoff's input filter (or the registry's) to the history below."""
    run_hooks: bool = False
    """Call the run's and the source agent's `on_handoff` hooks."""
    input_history: str | list[TResponseInputItem] = Field(default_factory=list)
    pre_handoff_segments: list[SegmentRef] = Field(default_factory=list)
    """Stored segments whose model-facing items come before `pre_handoff_items`."""
    pre_handoff_items: list[RunItem] = Field(default_factory=list)
    new_items: list[RunItem] = Field(default_factory=list)


class HandoffCallOutput(BaseModel):
    filtered: bool = False
    input_history: str | list[TResponseInputItem] = Field(default_factory=list)
    pre_handoff_items: list[RunItem] = Field(default_factory=list)
    new_items: list[RunItem] = Field(default_factory=list)
    input_items: list[RunItem] | None = None
    context: ContextUpdate | None = None
    """How the activity's user code changed the run's context, if it did."""


class AgentEndInput(BaseModel):
    scope: CallScope
    output: Any = None
    original_input: str | list[TResponseInputItem] = Field(default_factory=list)

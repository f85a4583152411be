"""The workflow's own input, state and progress: the contract between clients and workers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from temporalio.contrib.workflow_streams import WorkflowStreamState

from durable_agents.guardrail import (
    InputGuardrailResult,
    OutputGuardrailResult,
    ToolGuardrailResult,
)
from durable_agents.items import RunItem
from durable_agents.models import ModelResponse, TResponseInputItem
from durable_agents.result import RunStatus
from durable_agents.run_config import DEFAULT_MAX_TURNS, RunConfig
from durable_agents.spec import RunSpecs
from durable_agents.usage import Usage

from .context import ContextUpdate
from .segments import SegmentRef


class RunState(BaseModel):
    """Everything the run has decided so far; carried across continue-as-new."""

    current_agent: str
    turn: int = 0
    original_input: str | list[TResponseInputItem]
    generated_items: list[RunItem] = Field(default_factory=list)
    """What the model sees after the original input (filtered on handoffs)."""
    session_items: list[RunItem] = Field(default_factory=list)
    """Everything generated, unfiltered: the result's `new_items`."""
    raw_responses: list[ModelResponse] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    input_guardrail_results: list[InputGuardrailResult] = Field(default_factory=list)
    output_guardrail_results: list[OutputGuardrailResult] = Field(default_factory=list)
    tool_input_guardrail_results: list[ToolGuardrailResult] = Field(default_factory=list)
    tool_output_guardrail_results: list[ToolGuardrailResult] = Field(default_factory=list)
    agents_that_used_tools: list[str] = Field(default_factory=list)
    previous_response_id: str | None = None
    cancel_requested: bool = False
    agent_start_pending: bool = True
    """The current agent has not made its first model call yet (its start hooks are due)."""
    conversation_epoch: int = 0
    """Bumped whenever a handoff rewrites the conversation, so caches keyed on it start over."""
    sent_length: int = 0
    """How much of the conversation the model side already holds (worker cache or server)."""
    specs: RunSpecs | None = None
    continued_runs: int = 0
    segments: list[SegmentRef] = Field(default_factory=list)
    """What earlier runs of the chain generated, in the item store; the lists above hold
    only what came after."""
    conversation_segments_from: int = 0
    """The first segment whose model-facing items are still in the conversation (a handoff
    that rewrites the conversation leaves the earlier ones behind)."""
    external_item_store: bool | None = None
    """From the worker that resolved the run; None when unknown (resolved by older code)."""
    recent_items: list[RunItem] = Field(default_factory=list)
    """The last session items of earlier runs, for `progress` right after a continue-as-new."""
    context: Any = None
    """The run's context now: the input's, with every change user code made applied."""
    context_set: bool = False
    """False before the run starts (and in states older code carried across continue-as-new,
    which kept the context only in the input)."""

    def start_context(self, initial: Any) -> None:
        if not self.context_set:
            self.context, self.context_set = initial, True

    def took(self, update: ContextUpdate | None) -> None:
        """Applies one activity's change to the run's context."""
        if update is not None:
            self.context = update.applied_to(self.context)


class RunInput(BaseModel):
    """What a client sends to start a run. Unknown fields are rejected so typos fail loudly."""

    model_config = ConfigDict(extra="forbid")

    agent_name: str = Field(min_length=1)
    input: str | list[TResponseInputItem]
    context: Any = None
    """JSON-serialisable; validated into the registry's `context_type` inside activities."""
    max_turns: int = Field(default=DEFAULT_MAX_TURNS, ge=1)
    run_config: RunConfig = Field(default_factory=RunConfig)
    previous_response_id: str | None = None
    auto_previous_response_id: bool = False
    conversation_id: str | None = None
    session_id: str | None = Field(default=None, min_length=1)
    """The session (conversation memory across runs) the run reads its history from and saves
    its input and turns to; the worker's registry finds it by this id."""
    stream_raw_events: bool = False
    """Stream each model reply: its events (token deltas...) go to the run's stream as
    `raw_response_event`s while the model answers."""
    continue_as_new_after_turns: int | None = Field(default=None, ge=1)
    """Start a fresh history after this many turns, besides whenever Temporal suggests it."""
    continued: RunState | None = None
    """Set only by the workflow itself when it continues as new."""
    stream_state: WorkflowStreamState | None = None
    """The run's event stream, handed over on continue-as-new (set by the workflow)."""

    @property
    def server_managed(self) -> bool:
        """The model provider keeps the conversation; only unseen items are sent."""
        return bool(
            self.conversation_id or self.previous_response_id or self.auto_previous_response_id
        )


class RunProgress(BaseModel):
    """Answer of the `progress` query: small and cheap, for dashboards and the CLI."""

    status: RunStatus
    current_turn: int
    max_turns: int
    current_agent: str
    usage: Usage
    cancel_requested: bool = False
    last_items: list[RunItem] = Field(default_factory=list)
    continued_runs: int = 0

"""Inputs and outputs of `AgentRunWorkflow`: the contract between clients and workers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from durable_agents.items import RunItem
from durable_agents.models import TResponseInputItem
from durable_agents.result import RunStatus
from durable_agents.run_config import DEFAULT_MAX_TURNS, RunConfig
from durable_agents.usage import Usage

WORKFLOW_NAME = "AgentRunWorkflow"
CANCEL_AFTER_TURN_SIGNAL = "cancel_after_turn"
PROGRESS_QUERY = "progress"


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
    conversation_id: str | None = None


class RunProgress(BaseModel):
    """Answer of the `progress` query: small and cheap, for dashboards and the CLI."""

    status: RunStatus
    current_turn: int
    max_turns: int
    current_agent: str
    usage: Usage
    cancel_requested: bool = False
    last_items: list[RunItem] = Field(default_factory=list)

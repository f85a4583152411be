"""The model turn activity's input and output."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from durable_agents.model_settings import ModelSettings
from durable_agents.models import ModelResponse

from .context import ContextUpdate
from .conversation import ConversationRef
from .scope import CallScope


class ModelTurnInput(BaseModel):
    scope: CallScope
    conversation: ConversationRef
    model: str | None = None
    """The run config's model override, by name."""
    model_settings: ModelSettings | None = None
    reset_tool_choice: bool = False
    previous_response_id: str | None = None
    conversation_id: str | None = None
    agent_start: bool = False
    """The agent's first model call (run start or after a handoff): run its start hooks."""
    stream_raw_events: bool = False
    """Stream the model's reply, publishing its events to the run's stream as they come."""


class ModelTurnOutput(BaseModel):
    response: ModelResponse
    offered_tools: list[str] = Field(default_factory=list)
    """Tool and handoff names the model was offered (after `is_enabled`)."""
    final_output: Any = None
    has_final_output: bool = False
    """True when the response has no tool calls and yields a final output (text or validated)."""
    context: ContextUpdate | None = None
    """How the activity's user code changed the run's context, if it did."""

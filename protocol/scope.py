"""Who is calling: every activity that runs user code gets this, to find the definition and
bind its log context."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, PrivateAttr

from durable_agents.usage import Usage


class CallScope(BaseModel):
    run_id: str
    agent_name: str
    turn: int
    context: Any = None
    """The run's context now, as JSON."""
    usage: Usage | None = None
    """The run's usage so far, sent only when lifecycle hooks may read it."""
    _user_context: tuple[Any, Any] | None = PrivateAttr(default=None)
    """In the activity: the context object its user code shares, and that object's JSON
    before the code ran (`WorkerDeps.user_context`)."""

"""The session activities' inputs and outputs."""

from __future__ import annotations

from pydantic import BaseModel

from durable_agents.models import TResponseInputItem


class SessionPrepareInput(BaseModel):
    """Start of a run with a session: load its history, combine it with the run's input and
    save the input to the session (as the batch `key`)."""

    run_id: str
    session_id: str
    key: str
    input: str | list[TResponseInputItem]


class SessionPrepareOutput(BaseModel):
    input: list[TResponseInputItem]
    """What the model sees as the run's input: the history combined with the new input."""


class SessionAddInput(BaseModel):
    """One turn's session items, appended to the session as the batch `key`."""

    run_id: str
    session_id: str
    key: str
    items: list[TResponseInputItem]

"""The conversation by reference: how a model activity gets the transcript without the history
carrying it again every turn."""

from __future__ import annotations

from pydantic import BaseModel, Field

from durable_agents.models import TResponseInputItem

from .segments import SegmentRef


class ConversationRef(BaseModel):
    """The activity holds (or fetches) the first `base_length` items and gets only the items
    after them, so history does not grow with the square of the conversation length."""

    key: str
    base_length: int = 0
    delta: list[TResponseInputItem] = Field(default_factory=list)
    server_managed: bool = False
    """The provider holds the conversation (previous_response_id / conversation_id): send only
    `delta`."""


class ConversationSnapshot(BaseModel):
    """Answer of the `conversation` query, for a model activity whose worker has no copy."""

    key: str
    items: list[TResponseInputItem]
    """The conversation; after a continue-as-new, only the part after `segments`."""
    head: list[TResponseInputItem] = Field(default_factory=list)
    """The original input, when `segments` come between it and `items`."""
    segments: list[SegmentRef] = Field(default_factory=list)

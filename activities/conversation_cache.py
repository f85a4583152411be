"""A worker-side cache of conversations, so model activities take the conversation by
reference. A miss (another worker, a restart, an eviction) is filled from the run itself."""

from __future__ import annotations

from collections import OrderedDict

from durable_agents.models import TResponseInputItem


class ConversationCache:
    def __init__(self, max_conversations: int = 1024) -> None:
        self._max = max_conversations
        self._entries: OrderedDict[str, list[TResponseInputItem]] = OrderedDict()

    def prefix(self, key: str, length: int) -> list[TResponseInputItem] | None:
        """The first `length` items of the conversation, or None when not held whole."""
        items = self._entries.get(key)
        if items is None or len(items) < length:
            return None
        self._entries.move_to_end(key)
        return items[:length] if len(items) > length else items

    def put(self, key: str, items: list[TResponseInputItem]) -> None:
        self._entries[key] = items
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)

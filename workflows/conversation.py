"""The model-facing conversation as the workflow holds it: the original input, then items that
earlier runs of a continue-as-new chain stored as segments (only counted here), then the items
this run holds. Plain data and arithmetic, so it is replay-safe."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from durable_agents.items import ItemHelpers, RunItem
    from durable_agents.models import TResponseInputItem
    from protocol.conversation import ConversationSnapshot
    from protocol.segments import SegmentRef


class ModelConversation:
    def __init__(
        self,
        original_input: str | list[TResponseInputItem],
        sealed: int = 0,
        items: list[RunItem] | None = None,
    ) -> None:
        self.head = ItemHelpers.input_to_new_input_list(original_input)
        self.sealed = sealed
        """How many items after the head live in stored segments."""
        self.tail = [item.to_input_item() for item in items or []]

    def __len__(self) -> int:
        return len(self.head) + self.sealed + len(self.tail)

    def append(self, items: list[RunItem]) -> None:
        self.tail.extend(item.to_input_item() for item in items)

    def unsent(self, sent_length: int) -> list[TResponseInputItem]:
        """The items after what the model side holds; never reaches into segments, which hold
        only items already sent."""
        if not self.sealed:
            return (self.head + self.tail)[sent_length:]
        return self.tail[sent_length - len(self.head) - self.sealed :]

    def sealable(self, sent_length: int) -> int:
        """How many held items the model side already has: those may go into a segment."""
        return min(max(0, sent_length - len(self.head) - self.sealed), len(self.tail))

    def seal(self, count: int) -> None:
        self.sealed += count
        self.tail = self.tail[count:]

    def snapshot(self, key: str, segments: list[SegmentRef]) -> ConversationSnapshot:
        if not self.sealed:
            return ConversationSnapshot(key=key, items=self.head + self.tail)
        return ConversationSnapshot(key=key, head=self.head, segments=segments, items=self.tail)

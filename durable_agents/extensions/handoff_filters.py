"""Ready-made handoff input filters (`Handoff(input_filter=...)`, `handoff(..., input_filter=)`,
`RunConfig(handoff_input_filter=...)`), as in the reference's `agents.extensions`."""

from __future__ import annotations

from ..handoffs import HandoffInputData
from ..items import RunItem
from ..models import TResponseInputItem

__all__ = ["remove_all_tools"]

_KEPT_ITEM_TYPES = ("message_output_item",)
"""Run items the next agent still sees: tool calls and their outputs, handoff calls and
outputs and reasoning go."""


def remove_all_tools(handoff_input_data: HandoffInputData) -> HandoffInputData:
    """The handoff's input without tools: tool calls and their outputs (function, hosted and
    computer tools alike) are dropped from the input history, and from the run items only
    messages are kept (tool and handoff calls, their outputs and reasoning items go)."""
    history = handoff_input_data.input_history
    input_items = handoff_input_data.input_items
    return handoff_input_data.clone(
        input_history=history if isinstance(history, str) else _without_tool_input(history),
        pre_handoff_items=_messages_only(handoff_input_data.pre_handoff_items),
        new_items=_messages_only(handoff_input_data.new_items),
        input_items=None if input_items is None else _messages_only(input_items),
    )


def _is_tool_input(item: TResponseInputItem) -> bool:
    kind = item.get("type")
    return isinstance(kind, str) and (kind.endswith("_call") or kind.endswith("_call_output"))


def _without_tool_input(items: tuple[TResponseInputItem, ...]) -> tuple[TResponseInputItem, ...]:
    return tuple(item for item in items if not _is_tool_input(item))


def _messages_only(items: tuple[RunItem, ...]) -> tuple[RunItem, ...]:
    return tuple(item for item in items if item.type in _KEPT_ITEM_TYPES)

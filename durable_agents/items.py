"""Run items: what a run generates, as plain data that history and clients can carry.

The reference keeps the producing `Agent` object on each item; across a workflow boundary only
its name survives, so items carry `agent_name`.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, PrivateAttr

from .models import ModelResponse as ModelResponse  # re-exported at the reference's path
from .models import TResponseInputItem, TResponseOutputItem
from .models import TResponseStreamEvent as TResponseStreamEvent

RunItemType = Literal[
    "message_output_item",
    "tool_call_item",
    "tool_call_output_item",
    "handoff_call_item",
    "handoff_output_item",
    "reasoning_item",
]


class AgentRef(BaseModel):
    """An agent by name, where the `Agent` object is not at hand: `.name` works as on one."""

    name: str


class RunItem(BaseModel):
    type: RunItemType
    agent_name: str
    raw_item: dict[str, Any]
    output: Any = None
    """For tool call outputs: the tool's return value before it was turned into text."""
    source_agent: str | None = None
    target_agent: str | None = None
    _agent: Any = PrivateAttr(default=None)

    @property
    def agent(self) -> Any:
        """The agent the item is from: the program's `Agent` when `Runner` ran the run, else
        the agent by name (an `AgentRef`)."""
        return self._agent if self._agent is not None else AgentRef(name=self.agent_name)

    def with_agent(self, agent: Any) -> RunItem:
        self._agent = agent
        return self

    def __eq__(self, other: object) -> bool:
        """Items are equal by their data: which process holds their agent does not count."""
        if not isinstance(other, RunItem):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    def to_input_item(self) -> TResponseInputItem:
        """The item as the next model call should see it."""
        return dict(self.raw_item)


RunItemBase = RunItem
"""The reference's base class of its item classes; here every item is a `RunItem`."""


class _ItemKind(type(BaseModel)):  # type: ignore[misc]
    """The metaclass of the item kinds below: `isinstance(item, ToolCallItem)` asks the item's
    `type`, so the plain `RunItem`s a run returns count as the kind they are."""

    def __instancecheck__(cls, instance: object) -> bool:
        return isinstance(instance, RunItem) and instance.type == cls.item_type  # type: ignore[attr-defined]


class MessageOutputItem(RunItem, metaclass=_ItemKind):
    """An assistant message. The item kinds are views of `RunItem` by its `type`: made
    directly, they are `RunItem`s of that type and serialise as any `RunItem` does."""

    item_type: ClassVar[RunItemType] = "message_output_item"
    type: Literal["message_output_item"] = "message_output_item"


class ToolCallItem(RunItem, metaclass=_ItemKind):
    """A tool call (function, or hosted tool) the model made."""

    item_type: ClassVar[RunItemType] = "tool_call_item"
    type: Literal["tool_call_item"] = "tool_call_item"


class ToolCallOutputItem(RunItem, metaclass=_ItemKind):
    """A tool's output; `output` is its value before it became text."""

    item_type: ClassVar[RunItemType] = "tool_call_output_item"
    type: Literal["tool_call_output_item"] = "tool_call_output_item"


class HandoffCallItem(RunItem, metaclass=_ItemKind):
    """The model's call of a handoff tool."""

    item_type: ClassVar[RunItemType] = "handoff_call_item"
    type: Literal["handoff_call_item"] = "handoff_call_item"


class HandoffOutputItem(RunItem, metaclass=_ItemKind):
    """The handoff's result, with `source_agent` and `target_agent` (names)."""

    item_type: ClassVar[RunItemType] = "handoff_output_item"
    type: Literal["handoff_output_item"] = "handoff_output_item"


class ReasoningItem(RunItem, metaclass=_ItemKind):
    """A reasoning item the model produced."""

    item_type: ClassVar[RunItemType] = "reasoning_item"
    type: Literal["reasoning_item"] = "reasoning_item"


def output_item_type(raw: TResponseOutputItem) -> RunItemType | None:
    """How a model output item enters the run; None for items the run ignores.

    Function calls are reported as tool calls here; the workflow tells handoffs apart.
    """
    kind = raw.get("type")
    if kind == "message":
        return "message_output_item"
    if kind == "reasoning":
        return "reasoning_item"
    if isinstance(kind, str) and kind.endswith("_call"):
        return "tool_call_item"
    return None


class ItemHelpers:
    @staticmethod
    def input_to_new_input_list(input: str | list[TResponseInputItem]) -> list[TResponseInputItem]:
        if isinstance(input, str):
            return [{"role": "user", "content": input}]
        return [dict(item) for item in input]

    @staticmethod
    def extract_last_text(message: TResponseOutputItem) -> str | None:
        """The last output_text part of an assistant message; refusals are ignored."""
        content = message.get("content")
        if not content or not isinstance(content, list):
            return None
        last = content[-1]
        if isinstance(last, dict) and last.get("type") == "output_text":
            return last.get("text")
        return None

    @staticmethod
    def text_message_output(item: RunItem) -> str:
        return "".join(
            part.get("text", "")
            for part in item.raw_item.get("content") or []
            if isinstance(part, dict) and part.get("type") == "output_text"
        )

    @classmethod
    def text_message_outputs(cls, items: list[RunItem]) -> str:
        return "".join(
            cls.text_message_output(item) for item in items if item.type == "message_output_item"
        )

    @staticmethod
    def tool_call_output_item(call_id: str, output: str) -> TResponseInputItem:
        return {"type": "function_call_output", "call_id": call_id, "output": output}

    @staticmethod
    def stringify_tool_output(output: Any) -> str:
        """Tool results reach the model as text; structured values become JSON."""
        if isinstance(output, str):
            return output
        if isinstance(output, BaseModel):
            return output.model_dump_json()
        try:
            return json.dumps(output)
        except (TypeError, ValueError):
            return str(output)


def assistant_message(text: str, *, id: str = "msg") -> TResponseOutputItem:
    """An assistant message output item carrying `text`."""
    return {
        "type": "message",
        "id": id,
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }


def function_call(
    name: str, arguments: str | dict[str, Any], *, call_id: str
) -> TResponseOutputItem:
    """A function call output item; `arguments` may be given as a dict for convenience."""
    if not isinstance(arguments, str):
        arguments = json.dumps(arguments)
    return {
        "type": "function_call",
        "id": f"fc_{call_id}",
        "call_id": call_id,
        "name": name,
        "arguments": arguments,
        "status": "completed",
    }

"""Handoffs: a tool the model calls to pass the conversation to another agent.

In a durable run the switch itself is a workflow state transition; `on_handoff` and
`input_filter` are user code and run in the handoff activity.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError

from .exceptions import ModelBehaviorError, UserError
from .items import RunItem
from .models import TResponseInputItem
from .run_context import RunContextWrapper
from .strict_schema import ensure_strict_json_schema

if TYPE_CHECKING:
    from .agent import Agent


@dataclass(frozen=True)
class HandoffInputData:
    input_history: str | tuple[TResponseInputItem, ...]
    pre_handoff_items: tuple[RunItem, ...]
    new_items: tuple[RunItem, ...]
    run_context: RunContextWrapper[Any] | None = None
    input_items: tuple[RunItem, ...] | None = None
    """When set, the next agent sees these instead of `new_items` (which the result keeps)."""

    def clone(self, **kwargs: Any) -> HandoffInputData:
        return replace(self, **kwargs)


HandoffInputFilter = Callable[[HandoffInputData], Any]


def _function_style(name: str) -> str:
    """Lowercase snake case, as the reference's `transform_string_function_style`."""
    return re.sub(r"[^a-zA-Z0-9_]", "_", name.replace(" ", "_")).lower()


@dataclass
class Handoff:
    tool_name: str
    tool_description: str
    input_json_schema: dict[str, Any]
    on_invoke_handoff: Callable[[RunContextWrapper[Any], str], Any]
    agent_name: str
    agent: Agent[Any]
    """The target; the registry follows it to find every agent a run can reach."""
    input_filter: HandoffInputFilter | None = None
    nest_handoff_history: bool | None = None
    strict_json_schema: bool = True
    is_enabled: bool | Callable[[RunContextWrapper[Any], Any], Any] = True
    has_callback: bool = field(default=False)
    """Whether invoking it runs user code (an `on_handoff`), so it needs an activity."""

    def get_transfer_message(self, agent: Agent[Any]) -> str:
        return json.dumps({"assistant": agent.name})

    @classmethod
    def default_tool_name(cls, agent: Agent[Any]) -> str:
        return _function_style(f"transfer_to_{agent.name}")

    @classmethod
    def default_tool_description(cls, agent: Agent[Any]) -> str:
        return (
            f"Handoff to the {agent.name} agent to handle the request. "
            f"{agent.handoff_description or ''}"
        )


def handoff(
    agent: Agent[Any],
    tool_name_override: str | None = None,
    tool_description_override: str | None = None,
    on_handoff: Callable[..., Any] | None = None,
    input_type: Any = None,
    input_filter: HandoffInputFilter | None = None,
    nest_handoff_history: bool | None = None,
    is_enabled: bool | Callable[[RunContextWrapper[Any], Any], Any] = True,
) -> Handoff:
    """A handoff to `agent`; with `input_type`, the model's arguments are validated first."""
    if input_type is not None and on_handoff is None:
        raise UserError("handoff(): input_type needs an on_handoff that receives the input")
    adapter: TypeAdapter[Any] | None = None
    schema: dict[str, Any] = {}
    if input_type is not None:
        if len(inspect.signature(on_handoff).parameters) != 2:  # type: ignore[arg-type]
            raise UserError("on_handoff must take two arguments: context and input")
        adapter = TypeAdapter(input_type)
        schema = adapter.json_schema()
    elif on_handoff is not None and len(inspect.signature(on_handoff).parameters) != 1:
        raise UserError("on_handoff must take one argument: context")

    async def invoke(ctx: RunContextWrapper[Any], input_json: str | None = None) -> Agent[Any]:
        if adapter is not None:
            if input_json is None:
                raise ModelBehaviorError("Handoff function expected non-null input, but got None")
            try:
                value = adapter.validate_json(input_json or "")
            except ValidationError as e:
                raise ModelBehaviorError(f"Invalid JSON input for handoff {tool_name}: {e}") from e
            result = on_handoff(ctx, value)  # type: ignore[misc]
        elif on_handoff is not None:
            result = on_handoff(ctx)
        else:
            result = None
        if inspect.isawaitable(result):
            await result
        return agent

    tool_name = tool_name_override or Handoff.default_tool_name(agent)
    return Handoff(
        tool_name=tool_name,
        tool_description=tool_description_override or Handoff.default_tool_description(agent),
        input_json_schema=ensure_strict_json_schema(schema),
        on_invoke_handoff=invoke,
        agent_name=agent.name,
        agent=agent,
        input_filter=input_filter,
        nest_handoff_history=nest_handoff_history,
        is_enabled=is_enabled,
        has_callback=on_handoff is not None,
    )

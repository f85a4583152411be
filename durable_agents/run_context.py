"""Contexts handed to user code. On a worker the context is rebuilt in each activity from the
JSON the run holds, and what user code changed in it goes back to the run (`protocol.context`),
so later calls see it."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Generic, TypeVar

from openai.types.responses import ResponseFunctionToolCall

from .usage import Usage

TContext = TypeVar("TContext")


@dataclass
class RunContextWrapper(Generic[TContext]):
    context: TContext
    usage: Usage = field(default_factory=Usage)
    run_id: str = ""
    """The workflow id of the run."""
    turn: int = 0


@dataclass
class AgentHookContext(RunContextWrapper[TContext]):
    """Context of agent start and end hooks."""

    turn_input: list[Any] = field(default_factory=list)
    """The input items of the turn (the run's input, for end hooks)."""


@dataclass
class ToolContext(RunContextWrapper[TContext]):
    tool_name: str = ""
    tool_call_id: str = ""
    tool_arguments: str = ""
    idempotency_key: str = ""
    """Stable across retries of this tool call (`<run id>:<call id>`): pass it to side effects."""
    tool_call: ResponseFunctionToolCall | None = None
    """The model's function call item; built from the three fields above when not given."""

    def __post_init__(self) -> None:
        if self.tool_call is None and self.tool_name:
            self.tool_call = ResponseFunctionToolCall(
                type="function_call",
                name=self.tool_name,
                call_id=self.tool_call_id,
                arguments=self.tool_arguments,
            )

    @classmethod
    def from_agent_context(
        cls,
        context: RunContextWrapper[TContext],
        tool_call_id: str,
        tool_call: ResponseFunctionToolCall | None = None,
    ) -> ToolContext[TContext]:
        """A tool context carrying `context`'s fields, for the call `tool_call` (as the
        reference's; without `tool_call` there is no tool name or arguments to take)."""
        if tool_call is None:
            raise ValueError("ToolContext.from_agent_context needs the tool_call")
        base = {f.name: getattr(context, f.name) for f in fields(RunContextWrapper) if f.init}
        return cls(
            **base,
            tool_name=tool_call.name,
            tool_call_id=tool_call_id,
            tool_arguments=tool_call.arguments,
            tool_call=tool_call,
        )

"""Contexts handed to user code. They are rebuilt in each activity from the run's JSON context,
so changes a callable makes to the context are not seen by other activities."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

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

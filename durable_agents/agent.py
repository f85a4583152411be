"""`Agent`: the definition a user writes. Only its serialisable spec ever reaches a workflow."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypedDict, TypeVar

from .exceptions import UserError
from .guardrail import InputGuardrail, OutputGuardrail
from .model_settings import ModelSettings
from .models import Model
from .run_context import RunContextWrapper
from .tool import FunctionTool, FunctionToolResult

if TYPE_CHECKING:
    from .handoffs import Handoff
    from .lifecycle import AgentHooksBase

TContext = TypeVar("TContext")


class StopAtTools(TypedDict):
    """Stop the run when any of these tools is called; its output becomes the final output."""

    stop_at_tool_names: list[str]


def instructions_signature_error(instructions: Callable[..., Any]) -> str | None:
    """The reference's complaint about an instructions function that does not take exactly
    two parameters (context, agent); None when it does."""
    params = list(inspect.signature(instructions).parameters.values())
    if len(params) == 2:
        return None
    return (
        f"'instructions' callable must accept exactly 2 arguments (context, agent), "
        f"but got {len(params)}: {[p.name for p in params]}"
    )


@dataclass
class ToolsToFinalOutputResult:
    is_final_output: bool
    final_output: Any = None


ToolsToFinalOutputFunction = Callable[
    [RunContextWrapper[Any], list[FunctionToolResult]], ToolsToFinalOutputResult | Any
]
ToolUseBehavior = (
    Literal["run_llm_again", "stop_on_first_tool"] | StopAtTools | ToolsToFinalOutputFunction
)


class AgentBase(Generic[TContext]):
    """The reference's base class of its agents (`Agent`, and `RealtimeAgent` there): the
    name, handoff description and tools they share. Here `Agent` is the only agent class; this
    lets code that names the base (`isinstance(x, AgentBase)`, hook signatures) work."""

    name: str
    handoff_description: str | None
    tools: list[FunctionTool]


@dataclass
class Agent(AgentBase[TContext]):
    name: str
    instructions: str | Callable[[RunContextWrapper[Any], Agent[Any]], Any] | None = None
    handoff_description: str | None = None
    handoffs: list[Agent[Any] | Handoff] = field(default_factory=list)
    model: str | Model | None = None
    model_settings: ModelSettings = field(default_factory=ModelSettings)
    tools: list[FunctionTool] = field(default_factory=list)
    input_guardrails: list[InputGuardrail] = field(default_factory=list)
    output_guardrails: list[OutputGuardrail] = field(default_factory=list)
    output_type: Any = None
    """A pydantic model, dataclass, TypedDict or plain type, or an `AgentOutputSchema`."""
    tool_use_behavior: ToolUseBehavior = "run_llm_again"
    reset_tool_choice: bool = True
    hooks: AgentHooksBase[Any] | None = None
    """This agent's lifecycle hooks (run in activities, at least once)."""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise UserError(f"Agent name must be a non-empty string, got {self.name!r}")
        if (
            self.instructions is not None
            and not isinstance(self.instructions, str)
            and not callable(self.instructions)
        ):
            raise TypeError(
                f"Agent instructions must be a string, callable, or None, "
                f"got {type(self.instructions).__name__}"
            )
        if not (
            self.tool_use_behavior in ("run_llm_again", "stop_on_first_tool")
            or callable(self.tool_use_behavior)
            or (
                isinstance(self.tool_use_behavior, dict)
                and "stop_at_tool_names" in self.tool_use_behavior
            )
        ):
            raise UserError(
                f"Agent {self.name}: invalid tool_use_behavior {self.tool_use_behavior!r}"
            )

    def clone(self, **kwargs: Any) -> Agent[TContext]:
        return dataclasses.replace(self, **kwargs)

    async def get_system_prompt(self, run_context: RunContextWrapper[TContext]) -> str | None:
        """Static instructions, or the result of the instructions function (user code)."""
        if isinstance(self.instructions, str) or self.instructions is None:
            return self.instructions
        if not callable(self.instructions):
            raise UserError(f"Agent {self.name}: instructions must be a string or a function")
        error = instructions_signature_error(self.instructions)
        if error is not None:
            raise TypeError(error)
        result = self.instructions(run_context, self)
        if inspect.isawaitable(result):
            result = await result
        return result

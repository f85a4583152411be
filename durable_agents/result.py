"""The outcome of a run, as the workflow returns it and the client hands it to callers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, PrivateAttr, TypeAdapter

from ._lazy import loaded_on_use
from .agent import Agent
from .exceptions import UserError
from .guardrail import InputGuardrailResult, OutputGuardrailResult, ToolGuardrailResult
from .items import ItemHelpers, RunItem
from .models import ModelResponse, TResponseInputItem
from .run_context import RunContextWrapper
from .usage import Usage

T = TypeVar("T")

RunStatus = Literal[
    "running",
    "completed",
    "cancelled",
    "max_turns_exceeded",
    "input_guardrail_triggered",
    "output_guardrail_triggered",
    "tool_guardrail_triggered",
    "failed",
]


class RunResult(BaseModel):
    """`RunResult` of the reference. It crosses from the workflow as data, agents by name;
    `Runner`, which has the program's agents and context, adds `last_agent` and
    `context_wrapper` as the reference has them (`with_program_objects`)."""

    run_id: str = ""
    status: RunStatus = "completed"
    input: str | list[TResponseInputItem]
    new_items: list[RunItem] = Field(default_factory=list)
    raw_responses: list[ModelResponse] = Field(default_factory=list)
    final_output: Any = None
    last_agent_name: str
    current_turn: int = 0
    max_turns: int = 0
    usage: Usage = Field(default_factory=Usage)
    input_guardrail_results: list[InputGuardrailResult] = Field(default_factory=list)
    output_guardrail_results: list[OutputGuardrailResult] = Field(default_factory=list)
    tool_input_guardrail_results: list[ToolGuardrailResult] = Field(default_factory=list)
    tool_output_guardrail_results: list[ToolGuardrailResult] = Field(default_factory=list)
    context: Any = None
    """The run's context at the end, as JSON: the input's, with the changes its user code made."""
    _last_agent: Agent[Any] | None = PrivateAttr(default=None)
    _context_wrapper: RunContextWrapper[Any] | None = PrivateAttr(default=None)

    def with_program_objects(
        self, agent_named: Callable[[str], Agent[Any]], context: Any
    ) -> RunResult:
        """This result, holding the program's own agents (`last_agent`, each item's `agent`)
        and context."""
        self._last_agent = agent_named(self.last_agent_name)
        for item in self.new_items:
            item.with_agent(agent_named(item.agent_name))
        self._context_wrapper = RunContextWrapper(context, usage=self.usage, run_id=self.run_id)
        return self

    @property
    def last_agent(self) -> Agent[Any]:
        if self._last_agent is None:
            raise UserError(
                f"this result has its last agent by name only ({self.last_agent_name!r}, "
                "`last_agent_name`): the run was started by name, not by Runner with the agent"
            )
        return self._last_agent

    @property
    def context_wrapper(self) -> RunContextWrapper[Any]:
        if self._context_wrapper is None:
            raise UserError(
                "this result has no context wrapper: the run was started by name, not by "
                "Runner with the context (its usage is `usage`)"
            )
        return self._context_wrapper

    @property
    def last_response_id(self) -> str | None:
        return self.raw_responses[-1].response_id if self.raw_responses else None

    def final_output_as(self, cls: type[T], raise_if_incorrect_type: bool = False) -> T:
        """The final output validated as `cls` (it crossed the wire as JSON)."""
        if raise_if_incorrect_type:
            return TypeAdapter(cls).validate_python(self.final_output, strict=False)
        try:
            return TypeAdapter(cls).validate_python(self.final_output)
        except Exception:
            return self.final_output  # type: ignore[return-value]

    def to_input_list(self) -> list[TResponseInputItem]:
        """Original input plus everything generated: the next run's input for a follow-up."""
        return ItemHelpers.input_to_new_input_list(self.input) + [
            item.to_input_item() for item in self.new_items
        ]


RunErrorDetails = RunResult
"""The reference's `run_data` of an exception is a `RunErrorDetails`; here it is the partial
`RunResult`, which has the same fields (`input`, `new_items`, `raw_responses`, `last_agent`,
`context_wrapper`, the guardrail results)."""

__getattr__ = loaded_on_use(__name__, {"RunResultStreaming": "runner.streaming"})
"""`RunResultStreaming` on first use, as from `durable_agents` (see `durable_agents._lazy`)."""

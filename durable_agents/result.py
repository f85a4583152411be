"""The outcome of a run, as the workflow returns it and the client hands it to callers."""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, TypeAdapter

from .guardrail import InputGuardrailResult, OutputGuardrailResult, ToolGuardrailResult
from .items import ItemHelpers, RunItem
from .models import ModelResponse, TResponseInputItem
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
    """`RunResult` of the reference, minus live objects: agents are named, not embedded."""

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

"""Whether a turn's tool results end the run: the built-in `tool_use_behavior`s as pure
decisions. A custom behaviour is user code, so the workflow asks an activity and only shapes
its answer here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from durable_agents.items import ItemHelpers, RunItem
    from durable_agents.spec import AgentSpec
    from protocol.tools import ToolCallOutput, ToolsToFinalOutputOutput


@dataclass(frozen=True)
class FinalOutput:
    """The run's final output: a value of its own type, since `None` is a valid output."""

    value: Any


ToolResults = list[tuple[dict[str, Any], ToolCallOutput]]


def tool_output_item(agent_name: str, call: dict[str, Any], out: ToolCallOutput) -> RunItem:
    """The item a tool's output adds to the turn: its text for the model, its value for the
    result."""
    return RunItem(
        type="tool_call_output_item",
        agent_name=agent_name,
        raw_item=ItemHelpers.tool_call_output_item(call.get("call_id", ""), out.output_text),
        output=out.output,
    )


def needs_custom_decision(agent: AgentSpec, results: ToolResults) -> bool:
    return bool(results) and agent.tool_use_behavior == "custom"


def builtin_decision(agent: AgentSpec, results: ToolResults) -> FinalOutput | None:
    """`run_llm_again`: never final. `stop_on_first_tool`: the first tool's output.
    `StopAtTools`: the first output of a tool named there. Plain-text agents get the text."""
    if agent.tool_use_behavior not in ("stop_on_first_tool", "stop_at_tools"):
        return None
    for call, out in results:
        if agent.tool_use_behavior == "stop_on_first_tool" or (
            call["name"] in agent.stop_at_tool_names
        ):
            return FinalOutput(out.output_text if agent.plain_text_output else out.output)
    return None


def custom_decision_output(
    agent: AgentSpec, decided: ToolsToFinalOutputOutput
) -> FinalOutput | None:
    """A custom behaviour's answer; a plain-text agent's output is text."""
    if not decided.is_final_output:
        return None
    output = decided.final_output
    if agent.plain_text_output and not isinstance(output, str):
        output = ItemHelpers.stringify_tool_output(output)
    return FinalOutput(output)

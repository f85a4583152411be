"""A turn's tool calls from the workflow side: every call of a turn as its own activity, at
once, and a custom `tool_use_behavior` asked in an activity of its own."""

from __future__ import annotations

import asyncio
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from durable_agents.spec import AgentSpec
    from protocol.run import RunState
    from protocol.scope import CallScope
    from protocol.tools import (
        ToolCallInput,
        ToolCallOutput,
        ToolResultData,
        ToolsToFinalOutputInput,
    )

    from . import stubs
    from .tool_use import FinalOutput, ToolResults, custom_decision_output


async def call_tools(
    scope: CallScope, agent: AgentSpec, calls: list[dict[str, Any]]
) -> list[ToolCallOutput]:
    """The outputs in model order; scheduled in model order, so the history reads as the
    model asked."""
    return await asyncio.gather(
        *(
            stubs.call_tool(
                ToolCallInput(
                    scope=scope,
                    tool_name=call["name"],
                    call_id=call.get("call_id", ""),
                    arguments=call.get("arguments", ""),
                ),
                agent.tool(call["name"]),
            )
            for call in calls
        )
    )


def record(state: RunState, outputs: list[ToolCallOutput]) -> None:
    """The outputs' context changes, in model order, and their tool guardrail results join
    the run's state."""
    for out in outputs:
        state.took(out.context)
        state.tool_input_guardrail_results.extend(out.input_guardrail_results)
        state.tool_output_guardrail_results.extend(out.output_guardrail_results)


async def custom_decision(
    scope: CallScope, agent: AgentSpec, results: ToolResults, state: RunState
) -> FinalOutput | None:
    decided = await stubs.tools_to_final_output(
        ToolsToFinalOutputInput(
            scope=scope,
            results=[
                ToolResultData(
                    tool_name=c["name"],
                    call_id=c.get("call_id", ""),
                    output=o.output,
                    output_text=o.output_text,
                )
                for c, o in results
            ],
        )
    )
    state.took(decided.context)
    return custom_decision_output(agent, decided)

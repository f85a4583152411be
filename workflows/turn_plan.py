"""Sorting one model response into what the turn does next: pure, over plain data, so every
branch has a unit test that needs no server."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from durable_agents.items import RunItem, output_item_type
    from durable_agents.models import ModelResponse
    from durable_agents.spec import AgentSpec, HandoffSpec


@dataclass
class TurnPlan:
    items: list[RunItem] = field(default_factory=list)
    """The response's run items in model order (up to an unknown tool, when there is one)."""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    handoff_calls: list[tuple[dict[str, Any], HandoffSpec]] = field(default_factory=list)
    model_items: int = 0
    """How many of the response's items the model side now holds (they extend the
    conversation the next call continues)."""
    unknown_tool: str | None = None
    """A function call naming nothing the agent offered: the run fails with ModelBehaviorError."""

    @property
    def uses_tools(self) -> bool:
        return bool(self.tool_calls or self.handoff_calls)


def plan_turn(agent: AgentSpec, response: ModelResponse, offered_tools: list[str]) -> TurnPlan:
    """Messages and reasoning become items; a function call is a handoff when it names an
    offered handoff, a tool call when it names an offered tool, and otherwise ends the plan."""
    plan = TurnPlan()
    for raw in response.output:
        kind = output_item_type(raw)
        if kind is None:
            continue
        plan.model_items += 1
        if plan.unknown_tool is not None:
            continue
        if raw.get("type") != "function_call":
            plan.items.append(RunItem(type=kind, agent_name=agent.name, raw_item=raw))
            continue
        name = raw.get("name", "")
        offered = name in offered_tools
        handoff = agent.handoff(name)
        if offered and handoff is not None:
            plan.items.append(
                RunItem(type="handoff_call_item", agent_name=agent.name, raw_item=raw)
            )
            plan.handoff_calls.append((raw, handoff))
        elif offered and agent.tool(name) is not None:
            kind = "tool_call_item"
            plan.items.append(RunItem(type=kind, agent_name=agent.name, raw_item=raw))
            plan.tool_calls.append(raw)
        else:
            plan.unknown_tool = name
    return plan


def next_previous_response_id(
    current: str | None,
    response: ModelResponse,
    *,
    auto_previous_response_id: bool,
    conversation_id: str | None,
) -> str | None:
    """The response id the next call continues from: chained once the run uses
    `previous_response_id` (given or automatic), never with a conversation id."""
    if conversation_id is None and response.response_id is not None:
        if current is not None or auto_previous_response_id:
            return response.response_id
    return current


def resets_tool_choice(agent: AgentSpec, agents_that_used_tools: list[str]) -> bool:
    """As the reference: once an agent has used a tool, its next calls drop a forced
    `tool_choice`, so a model told to call a tool does not call it forever."""
    return agent.reset_tool_choice and agent.name in agents_that_used_tools

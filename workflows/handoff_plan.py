"""A handoff as a state transition: which call wins, the items it adds, and what must run in
an activity before the current agent changes. Pure, over plain data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from durable_agents.items import ItemHelpers, RunItem
    from durable_agents.spec import AgentSpec, HandoffSpec, RunSpecs

MULTIPLE_HANDOFFS_MESSAGE = "Multiple handoffs detected, ignoring this one."


@dataclass(frozen=True)
class HandoffTransition:
    call: dict[str, Any]
    """The winning handoff call (the model's first)."""
    spec: HandoffSpec
    target: str
    items: list[RunItem]
    """An error output for each ignored handoff call, then the winning call's output."""
    run_filter: bool
    """An input filter (the handoff's or the run's) rewrites the history: an activity."""
    run_hooks: bool
    nest_history: bool

    @property
    def needs_activity(self) -> bool:
        """A callback, filter or hook is user code; a bare handoff needs no activity."""
        return self.spec.has_callback or self.run_filter or self.run_hooks


def plan_handoff(
    agent: AgentSpec,
    calls: list[tuple[dict[str, Any], HandoffSpec]],
    specs: RunSpecs,
    nest_handoff_history: bool,
) -> HandoffTransition:
    """The first handoff wins, as in the reference; `nest_handoff_history` is the run's
    setting, which a handoff's own setting overrides."""
    ignored = [
        RunItem(
            type="tool_call_output_item",
            agent_name=agent.name,
            raw_item=ItemHelpers.tool_call_output_item(
                raw.get("call_id", ""), MULTIPLE_HANDOFFS_MESSAGE
            ),
            output=MULTIPLE_HANDOFFS_MESSAGE,
        )
        for raw, _ in calls[1:]
    ]
    call, spec = calls[0]
    target = specs.agents[spec.target_agent].name
    output = RunItem(
        type="handoff_output_item",
        agent_name=agent.name,
        raw_item=ItemHelpers.tool_call_output_item(
            call.get("call_id", ""), json.dumps({"assistant": target})
        ),
        source_agent=agent.name,
        target_agent=target,
    )
    return HandoffTransition(
        call=call,
        spec=spec,
        target=target,
        items=[*ignored, output],
        run_filter=spec.has_input_filter or specs.has_handoff_input_filter,
        run_hooks=specs.has_hooks(agent),
        nest_history=(
            spec.nest_handoff_history
            if spec.nest_handoff_history is not None
            else nest_handoff_history
        ),
    )

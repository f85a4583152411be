"""The activity that starts a run: what the workflow needs to know of the agent graph."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import activity

from protocol import names
from protocol.callbacks import ResolveRunInput, ResolveRunOutput

from .context import ActivityFamily
from .errors import agents_errors


class ResolveActivities(ActivityFamily):
    def all(self) -> list[Callable[..., Any]]:
        return [self.resolve_run]

    @activity.defn(name=names.RESOLVE_RUN)
    async def resolve_run(self, inp: ResolveRunInput) -> ResolveRunOutput:
        """The specs of the agents the run can reach (tools, handoffs, guardrails, hooks) as
        plain data, so the workflow decides without running user code."""
        with agents_errors():
            specs = self.deps.registry.run_specs(
                inp.agent_name, inp.input_guardrails, inp.output_guardrails
            )
        return ResolveRunOutput(
            specs=specs, external_item_store=self.deps.item_store.driver is not None
        )

"""The guardrail activity: one input or output guardrail of an agent, checked on its own so
the workflow can run blocking ones before the model call and the others beside it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import activity

from durable_agents.guardrail import GuardrailFunctionOutput
from protocol import names
from protocol.guardrails import GuardrailCheckInput, GuardrailCheckOutput

from .context import ActivityFamily, bind_log, jsonable
from .errors import agents_errors, checked_call
from .heartbeat import heartbeating


class GuardrailActivities(ActivityFamily):
    def all(self) -> list[Callable[..., Any]]:
        return [self.check_guardrail]

    @activity.defn(name=names.CHECK_GUARDRAIL)
    @heartbeating
    async def check_guardrail(self, inp: GuardrailCheckInput) -> GuardrailCheckOutput:
        deps, scope = self.deps, inp.scope
        agent, ctx = deps.agent_and_context(scope)
        with agents_errors():
            if inp.kind == "input":
                guardrail: Any = deps.registry.input_guardrail(agent.name, inp.guardrail_name)
                value = inp.value
            else:
                guardrail = deps.registry.output_guardrail(agent.name, inp.guardrail_name)
                value = deps.typed_output(agent, inp.value)
        bind_log(scope, activity="check_guardrail", guardrail=inp.guardrail_name).debug("checking")
        output = await checked_call(
            f"{inp.kind} guardrail {inp.guardrail_name!r}",
            lambda: guardrail.run(ctx, agent, value),
            GuardrailFunctionOutput,
        )
        return GuardrailCheckOutput(
            output=GuardrailFunctionOutput(
                output_info=jsonable(output.output_info),
                tripwire_triggered=output.tripwire_triggered,
            ),
            context=deps.context_update(scope),
        )

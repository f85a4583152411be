"""Input and output guardrails from the workflow side: which run when, and what a tripwire
does. The checks themselves are user code, in the guardrail activity."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from durable_agents.guardrail import InputGuardrailResult, OutputGuardrailResult
    from durable_agents.spec import GuardrailSpec
    from protocol.guardrails import GuardrailCheckInput
    from protocol.model_turn import ModelTurnOutput
    from protocol.run import RunState
    from protocol.scope import CallScope

    from . import outcome, stubs
    from .outcome import Outcome


async def first_model_call(
    scope: CallScope,
    guardrails: list[GuardrailSpec],
    run_input: Any,
    state: RunState,
    start_model: Callable[[], asyncio.Task[ModelTurnOutput]],
) -> ModelTurnOutput | Outcome:
    """Blocking input guardrails first, then the model call with the others beside it (a
    tripwire cancels it); the run's first turn, as in the reference."""
    blocking = [g for g in guardrails if not g.run_in_parallel]
    parallel = [g for g in guardrails if g.run_in_parallel]
    if blocking:
        tripped = await input_guardrails(scope, blocking, run_input, state, None)
        if tripped is not None:
            return tripped
    model = start_model()
    if parallel:
        tripped = await input_guardrails(scope, parallel, run_input, state, model)
        if tripped is not None:
            return tripped
    return await model


def _check(scope: CallScope, kind: Any, guardrail: GuardrailSpec, value: Any) -> Any:
    return stubs.check_guardrail(
        GuardrailCheckInput(scope=scope, kind=kind, guardrail_name=guardrail.name, value=value)
    )


async def input_guardrails(
    scope: CallScope,
    guardrails: list[GuardrailSpec],
    run_input: Any,
    state: RunState,
    model: asyncio.Task[Any] | None,
) -> Outcome | None:
    """Runs guardrails concurrently, each result (and context change) joining the run's state
    as it comes; the first tripwire cancels the others and the model call beside them, and
    ends the run."""

    async def check(guardrail: GuardrailSpec) -> InputGuardrailResult:
        checked = await _check(scope, "input", guardrail, run_input)
        state.took(checked.context)
        return InputGuardrailResult(guardrail_name=guardrail.name, output=checked.output)

    tasks = [asyncio.create_task(check(g)) for g in guardrails]
    try:
        for done in workflow.as_completed(tasks):
            result = await done
            state.input_guardrail_results.append(result)
            if result.output.tripwire_triggered:
                for task in tasks:
                    task.cancel()
                if model is not None:
                    model.cancel()
                return outcome.input_guardrail_tripped(result)
    except ActivityError:
        if model is not None:
            model.cancel()
        raise
    return None


async def output_guardrails(
    scope: CallScope, guardrails: list[GuardrailSpec], final_output: Any, state: RunState
) -> list[OutputGuardrailResult]:
    """Every output guardrail, concurrently, in declaration order (their context changes
    applied in that order)."""
    outputs = await asyncio.gather(*(_check(scope, "output", g, final_output) for g in guardrails))
    for checked in outputs:
        state.took(checked.context)
    return [
        OutputGuardrailResult(
            guardrail_name=g.name,
            agent_name=scope.agent_name,
            agent_output=final_output,
            output=o.output,
        )
        for g, o in zip(guardrails, outputs, strict=True)
    ]

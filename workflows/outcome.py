"""How a run ends: every exit (completed, cancelled, failed, guardrail tripped, max turns) as
one value the loop acts on in one place, and the `RunResult` it carries. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError, FailureError

with workflow.unsafe.imports_passed_through():
    from durable_agents.guardrail import InputGuardrailResult, OutputGuardrailResult
    from durable_agents.result import RunResult, RunStatus
    from durable_agents.usage import Usage
    from protocol.run import RunInput, RunProgress, RunState
    from protocol.segments import RunSegment
    from protocol.tools import ToolTripwire

STATE_TOO_LARGE_HINT = (
    "configure external payload storage (DURABLE_AGENTS_PAYLOAD_STORAGE=file:<dir> or "
    "s3://<bucket>) on workers and clients so long runs keep their items out of history"
)


@dataclass(frozen=True)
class Outcome:
    status: RunStatus
    final_output: Any = None
    error_type: str | None = None
    """The reference exception the run fails with; None for a run that returns its result."""
    message: str = ""
    guardrail_result: Any = None
    """The tripped guardrail's result, sent beside the partial result in the failure."""
    with_items: bool = True
    """False for a run that ends because its items are too large to carry."""
    hard_cancel: bool = False
    """Temporal cancelled the run: it ends as cancelled, with no result."""

    @property
    def failed(self) -> bool:
        return self.error_type is not None


def completed(final_output: Any) -> Outcome:
    return Outcome("completed", final_output)


def cancelled() -> Outcome:
    """Soft cancel: the run returns what it has, with status cancelled."""
    return Outcome("cancelled")


def max_turns_exceeded(max_turns: int) -> Outcome:
    return Outcome(
        "max_turns_exceeded",
        error_type="MaxTurnsExceeded",
        message=f"Max turns ({max_turns}) exceeded",
    )


def input_guardrail_tripped(result: InputGuardrailResult) -> Outcome:
    return Outcome(
        "input_guardrail_triggered",
        error_type="InputGuardrailTripwireTriggered",
        message=f"Input guardrail {result.guardrail_name} triggered tripwire",
        guardrail_result=result,
    )


def output_guardrail_tripped(result: OutputGuardrailResult) -> Outcome:
    return Outcome(
        "output_guardrail_triggered",
        error_type="OutputGuardrailTripwireTriggered",
        message=f"Output guardrail {result.guardrail_name} triggered tripwire",
        guardrail_result=result,
    )


def tool_guardrail_tripped(tripwire: ToolTripwire) -> Outcome:
    kind, name = tripwire.kind, tripwire.result.guardrail_name
    return Outcome(
        "tool_guardrail_triggered",
        error_type=f"Tool{kind.capitalize()}GuardrailTripwireTriggered",
        message=f"Tool {kind} guardrail {name} triggered tripwire",
        guardrail_result=tripwire.result,
    )


def unknown_tool(tool_name: str, agent_name: str) -> Outcome:
    return Outcome(
        "failed",
        error_type="ModelBehaviorError",
        message=f"Tool {tool_name} not found in agent {agent_name}",
    )


def state_too_large(what: str, size: int) -> Outcome:
    """Without external storage, a payload over Temporal's limit would fail every workflow
    task that tries to send it, and the run would stick: it ends, saying what to set."""
    return Outcome(
        "failed",
        error_type="RunStateTooLarge",
        message=f"{what} is {size} bytes, over what a workflow payload may hold; "
        + STATE_TOO_LARGE_HINT,
        with_items=False,
    )


def from_activity_error(error: ActivityError) -> Outcome:
    """An activity that failed for good fails the run with the activity's own error type (the
    reference exception a user-code error maps to); a cancelled one means the run was."""
    cause = error.cause
    if isinstance(cause, CancelledError):
        return Outcome("cancelled", message=cause.message, hard_cancel=True)
    if isinstance(cause, ApplicationError):
        return Outcome("failed", error_type=cause.type or "ActivityError", message=cause.message)
    return Outcome(
        "failed",
        error_type=type(cause).__name__ if cause is not None else "ActivityError",
        message=cause.message if isinstance(cause, FailureError) else str(error),
    )


def usage_totals(usage: Usage) -> Usage:
    """The run's usage without its per-request entries: small enough to send anywhere."""
    return Usage(
        requests=usage.requests,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        total_tokens=usage.total_tokens,
        input_tokens_details=usage.input_tokens_details,
        output_tokens_details=usage.output_tokens_details,
    )


def current_segment(state: RunState) -> RunSegment:
    """What this run of the chain holds that is not stored yet."""
    return RunSegment(
        session_items=state.session_items,
        raw_responses=state.raw_responses,
        request_usage_entries=state.usage.request_usage_entries,
        tool_input_guardrail_results=state.tool_input_guardrail_results,
        tool_output_guardrail_results=state.tool_output_guardrail_results,
    )


def build_result(
    run_id: str, outcome: Outcome, state: RunState, max_turns: int, whole: RunSegment
) -> RunResult:
    """The run's result from its state and every item of its chain (`whole`)."""
    return RunResult(
        run_id=run_id,
        status=outcome.status,
        input=state.original_input,
        new_items=whole.session_items,
        raw_responses=whole.raw_responses,
        final_output=outcome.final_output,
        last_agent_name=state.current_agent,
        current_turn=state.turn,
        max_turns=max_turns,
        usage=state.usage.model_copy(update={"request_usage_entries": whole.request_usage_entries}),
        input_guardrail_results=state.input_guardrail_results,
        output_guardrail_results=state.output_guardrail_results,
        tool_input_guardrail_results=whole.tool_input_guardrail_results,
        tool_output_guardrail_results=whole.tool_output_guardrail_results,
        context=state.context,
    )


def progress(
    status: RunStatus, state: RunState | None, inp: RunInput | None, cancel_requested: bool
) -> RunProgress:
    """What the progress query answers; before the run has started, only its status."""
    if state is None or inp is None:
        return RunProgress(
            status=status, current_turn=0, max_turns=0, current_agent="", usage=Usage()
        )
    return RunProgress(
        status=status,
        current_turn=state.turn,
        max_turns=inp.max_turns,
        current_agent=state.current_agent,
        usage=usage_totals(state.usage),
        cancel_requested=cancel_requested,
        last_items=(state.recent_items + state.session_items)[-5:],
        continued_runs=state.continued_runs,
    )

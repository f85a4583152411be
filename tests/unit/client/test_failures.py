"""Failed runs come back to client callers as the OpenAI Agents SDK's exceptions."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import (
    ApplicationError,
    CancelledError,
    TerminatedError,
)

from client.failures import run_exception
from durable_agents import (
    GuardrailFunctionOutput,
    InputGuardrailResult,
    InputGuardrailTripwireTriggered,
    MaxTurnsExceeded,
    ModelBehaviorError,
    OutputGuardrailTripwireTriggered,
    RunCancelledError,
    RunFailedError,
    RunResult,
    UnknownAgentError,
    UserError,
)
from tests.support.failures import activity_error


def _partial(**fields: object) -> dict[str, object]:
    return RunResult(input="hi", last_agent_name="triage", **fields).model_dump(mode="json")


def _failure(error_type: str, *details: object, message: str = "it broke") -> WorkflowFailureError:
    return WorkflowFailureError(cause=ApplicationError(message, *details, type=error_type))


@pytest.mark.parametrize(
    "cls", [MaxTurnsExceeded, ModelBehaviorError, UserError, UnknownAgentError]
)
def test_named_failures_map_to_their_class_with_run_data(cls: type) -> None:
    error = run_exception(_failure(cls.__name__, _partial(status="failed", current_turn=3)))
    assert type(error) is cls
    assert error.message == "it broke"
    assert str(error) == "it broke"
    assert error.run_data is not None
    assert error.run_data.current_turn == 3
    assert error.run_data.last_agent_name == "triage"


def test_input_guardrail_carries_the_tripped_result() -> None:
    tripped = InputGuardrailResult(
        guardrail_name="no_pii", output=GuardrailFunctionOutput(tripwire_triggered=True)
    )
    partial = _partial(status="input_guardrail_triggered")
    error = run_exception(
        _failure("InputGuardrailTripwireTriggered", partial, tripped.model_dump(mode="json"))
    )
    assert isinstance(error, InputGuardrailTripwireTriggered)
    assert error.guardrail_result == tripped
    assert error.run_data is not None and error.run_data.status == "input_guardrail_triggered"


def test_guardrail_result_is_found_in_the_run_when_not_sent_apart() -> None:
    tripped = InputGuardrailResult(
        guardrail_name="no_pii", output=GuardrailFunctionOutput(tripwire_triggered=True)
    )
    partial = _partial(input_guardrail_results=[tripped])
    error = run_exception(_failure("InputGuardrailTripwireTriggered", partial))
    assert isinstance(error, InputGuardrailTripwireTriggered)
    assert error.guardrail_result == tripped


def test_guardrail_without_details_still_maps() -> None:
    error = run_exception(
        _failure("OutputGuardrailTripwireTriggered", message="Output guardrail x triggered")
    )
    assert isinstance(error, OutputGuardrailTripwireTriggered)
    assert error.run_data is None
    assert error.message == "Output guardrail x triggered"


def test_model_api_errors_keep_their_type() -> None:
    error = run_exception(_failure("ModelBadRequest", _partial(status="failed")))
    assert isinstance(error, RunFailedError)
    assert error.error_type == "ModelBadRequest"
    assert error.run_data is not None


def test_typed_error_is_found_under_an_activity_error() -> None:
    inner = ApplicationError("unknown agent 'x'", type="UnknownAgentError")
    outer = activity_error(inner, "agents.resolve_run")
    error = run_exception(WorkflowFailureError(cause=outer))
    assert isinstance(error, UnknownAgentError)


def test_hard_cancel_and_termination() -> None:
    assert isinstance(
        run_exception(WorkflowFailureError(cause=CancelledError())), RunCancelledError
    )
    terminated = run_exception(WorkflowFailureError(cause=TerminatedError("by ops")))
    assert isinstance(terminated, RunFailedError) and terminated.error_type == "Terminated"


def test_details_that_are_not_a_run_are_ignored() -> None:
    error = run_exception(_failure("MaxTurnsExceeded", {"not": "a run"}))
    assert isinstance(error, MaxTurnsExceeded) and error.run_data is None


def test_the_workflows_error_wins_over_the_activity_error_below_it() -> None:
    """A tool that fails the run: the workflow's error carries the partial run, the activity's
    error chained below it does not."""
    inner = ApplicationError("tool 'charge' raised: card declined", type="UserError")
    activity = activity_error(inner)
    outer = ApplicationError(inner.message, _partial(status="failed"), type="UserError")
    outer.__cause__ = activity
    error = run_exception(WorkflowFailureError(cause=outer))
    assert isinstance(error, UserError)
    assert error.run_data is not None and error.run_data.status == "failed"

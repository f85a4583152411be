"""Turn a failed run back into the exception the OpenAI Agents SDK would have raised.

The workflow ends a failed run with an `ApplicationError` whose `type` is the name of a class in
`durable_agents.exceptions` (or a model API error type such as `ModelBadRequest`) and whose first
detail is the partial `RunResult`. Callers of the client get the same exception classes as callers
of the reference's `Runner.run`, with `run_data` filled in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import (
    ApplicationError,
    CancelledError,
    TerminatedError,
    TimeoutError,
)

from durable_agents.exceptions import (
    AgentsException,
    InputGuardrailTripwireTriggered,
    MaxTurnsExceeded,
    ModelBehaviorError,
    OutputGuardrailTripwireTriggered,
    RunCancelledError,
    RunFailedError,
    ToolInputGuardrailTripwireTriggered,
    ToolOutputGuardrailTripwireTriggered,
    UnknownAgentError,
    UserError,
)
from durable_agents.guardrail import (
    InputGuardrailResult,
    OutputGuardrailResult,
    ToolGuardrailResult,
)
from durable_agents.result import RunResult

M = TypeVar("M", bound=BaseModel)

_PLAIN: dict[str, type[AgentsException]] = {
    cls.__name__: cls
    for cls in (MaxTurnsExceeded, ModelBehaviorError, UserError, UnknownAgentError)
}


def _tripped_input(run: RunResult | None) -> InputGuardrailResult | None:
    results = run.input_guardrail_results if run else []
    return next((r for r in results if r.output.tripwire_triggered), None)


def _tripped_output(run: RunResult | None) -> OutputGuardrailResult | None:
    results = run.output_guardrail_results if run else []
    return next((r for r in results if r.output.tripwire_triggered), None)


def _rejected_tool_input(run: RunResult | None) -> ToolGuardrailResult | None:
    results = run.tool_input_guardrail_results if run else []
    return next((r for r in results if r.output.behavior.type == "raise_exception"), None)


def _rejected_tool_output(run: RunResult | None) -> ToolGuardrailResult | None:
    results = run.tool_output_guardrail_results if run else []
    return next((r for r in results if r.output.behavior.type == "raise_exception"), None)


_Finder = Callable[[RunResult | None], BaseModel | None]
_GUARDRAILS: dict[str, tuple[type[AgentsException], type[BaseModel], _Finder]] = {
    "InputGuardrailTripwireTriggered": (
        InputGuardrailTripwireTriggered,
        InputGuardrailResult,
        _tripped_input,
    ),
    "OutputGuardrailTripwireTriggered": (
        OutputGuardrailTripwireTriggered,
        OutputGuardrailResult,
        _tripped_output,
    ),
    "ToolInputGuardrailTripwireTriggered": (
        ToolInputGuardrailTripwireTriggered,
        ToolGuardrailResult,
        _rejected_tool_input,
    ),
    "ToolOutputGuardrailTripwireTriggered": (
        ToolOutputGuardrailTripwireTriggered,
        ToolGuardrailResult,
        _rejected_tool_output,
    ),
}


def _detail(error: ApplicationError, index: int, model: type[M]) -> M | None:
    """Details are decoded without type hints (plain JSON values); validate the one we want."""
    if len(error.details) <= index:
        return None
    try:
        return model.model_validate(error.details[index])
    except ValidationError:
        return None


def _application_error(error: BaseException | None) -> ApplicationError | None:
    """The outermost typed `ApplicationError` in the cause chain: the workflow's own, which
    names the error and carries the partial run (an activity's error may be chained below)."""
    while error is not None:
        if isinstance(error, ApplicationError) and error.type:
            return error
        error = error.__cause__ if error.__cause__ is not None else getattr(error, "cause", None)
    return None


def run_exception(failure: WorkflowFailureError) -> AgentsException:
    """The exception a caller should see for a run whose workflow failed."""
    cause = failure.cause
    if isinstance(cause, CancelledError):
        return RunCancelledError("the run was cancelled (hard cancel); it has no result")
    if isinstance(cause, TerminatedError):
        return RunFailedError(f"the run was terminated: {cause.message}", "Terminated")
    if isinstance(cause, TimeoutError):
        return RunFailedError(f"the run timed out: {cause.message}", "Timeout")
    app = _application_error(cause)
    if app is None:
        return RunFailedError(str(cause or failure), type(cause).__name__ if cause else None)
    run = _detail(app, 0, RunResult)
    error: AgentsException
    if app.type in _PLAIN:
        error = _PLAIN[app.type](app.message, run)
    elif app.type in _GUARDRAILS:
        cls, result_model, find_result = _GUARDRAILS[app.type]
        # The workflow sends the tripped guardrail's result as the second detail.
        result = _detail(app, 1, result_model) or find_result(run)
        error = cls(result, run)  # type: ignore[call-arg]
    else:
        return RunFailedError(app.message, app.type, run)
    # The workflow's message is the truth; the class's own default text is only a fallback.
    if app.message:
        error.message = app.message
        error.args = (app.message,)
    return error

"""Errors with the names of the OpenAI Agents SDK; the client raises them from run outcomes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .result import RunResult


class AgentsException(Exception):
    """Base class; `run_data` carries the partial run when the run got that far."""

    run_data: RunResult | None

    def __init__(self, message: str, run_data: RunResult | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.run_data = run_data


class MaxTurnsExceeded(AgentsException):
    pass


class ModelBehaviorError(AgentsException):
    """The model produced something the run cannot use (unknown tool, invalid JSON output)."""


class UserError(AgentsException):
    """The agent definitions or run arguments are wrong."""


class UnknownAgentError(UserError):
    pass


class InputGuardrailTripwireTriggered(AgentsException):
    def __init__(self, guardrail_result: Any, run_data: RunResult | None = None) -> None:
        name = getattr(getattr(guardrail_result, "guardrail", None), "name", None) or getattr(
            guardrail_result, "guardrail_name", "?"
        )
        super().__init__(f"Input guardrail {name} triggered tripwire", run_data)
        self.guardrail_result = guardrail_result


class OutputGuardrailTripwireTriggered(AgentsException):
    def __init__(self, guardrail_result: Any, run_data: RunResult | None = None) -> None:
        name = getattr(guardrail_result, "guardrail_name", "?")
        super().__init__(f"Output guardrail {name} triggered tripwire", run_data)
        self.guardrail_result = guardrail_result


class _ToolGuardrailTripwire(AgentsException):
    """Raised from a run's outcome as `(guardrail_result, run_data)`, a `ToolGuardrailResult`
    and the partial run; the reference's form, `(guardrail, output)` (a tool guardrail object
    and its `ToolGuardrailFunctionOutput`), positional or by keyword, works too. Either way
    `guardrail_result`, `guardrail` and `output` are set as far as they are known."""

    _kind = "Tool"

    def __init__(
        self,
        guardrail_result: Any = None,
        run_data: Any = None,
        *,
        guardrail: Any = None,
        output: Any = None,
    ) -> None:
        if guardrail is None and output is None and _is_tool_guardrail_output(run_data):
            guardrail, output, guardrail_result, run_data = guardrail_result, run_data, None, None
        name = getattr(guardrail_result, "guardrail_name", None) or _guardrail_name(guardrail)
        super().__init__(f"{self._kind} guardrail {name or '?'} triggered tripwire", run_data)
        self.guardrail_result = guardrail_result
        self.guardrail = guardrail
        self.output = output if output is not None else getattr(guardrail_result, "output", None)


def _is_tool_guardrail_output(value: Any) -> bool:
    return value is not None and hasattr(value, "behavior") and hasattr(value, "output_info")


def _guardrail_name(guardrail: Any) -> str | None:
    if guardrail is None:
        return None
    get_name = getattr(guardrail, "get_name", None)
    return get_name() if callable(get_name) else type(guardrail).__name__


class ToolInputGuardrailTripwireTriggered(_ToolGuardrailTripwire):
    _kind = "Tool input"


class ToolOutputGuardrailTripwireTriggered(_ToolGuardrailTripwire):
    _kind = "Tool output"


class RunFailedError(AgentsException):
    """The run ended with an error that has no more specific class (tool error, model API error)."""

    def __init__(self, message: str, error_type: str | None = None, run_data: Any = None) -> None:
        super().__init__(message, run_data)
        self.error_type = error_type


class RunCancelledError(AgentsException):
    """The run was hard-cancelled through Temporal; there is no result."""


def __getattr__(name: str) -> object:
    """`RunErrorDetails`, the reference's type of `run_data` (the partial `RunResult` here),
    read from `result` on use: that module imports this one."""
    if name == "RunErrorDetails":
        from .result import RunErrorDetails

        return RunErrorDetails
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

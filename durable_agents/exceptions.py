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


class ToolInputGuardrailTripwireTriggered(AgentsException):
    def __init__(self, guardrail_result: Any, run_data: RunResult | None = None) -> None:
        name = getattr(guardrail_result, "guardrail_name", "?")
        super().__init__(f"Tool input guardrail {name} triggered tripwire", run_data)
        self.guardrail_result = guardrail_result


class ToolOutputGuardrailTripwireTriggered(AgentsException):
    def __init__(self, guardrail_result: Any, run_data: RunResult | None = None) -> None:
        name = getattr(guardrail_result, "guardrail_name", "?")
        super().__init__(f"Tool output guardrail {name} triggered tripwire", run_data)
        self.guardrail_result = guardrail_result


class RunFailedError(AgentsException):
    """The run ended with an error that has no more specific class (tool error, model API error)."""

    def __init__(self, message: str, error_type: str | None = None, run_data: Any = None) -> None:
        super().__init__(message, run_data)
        self.error_type = error_type


class RunCancelledError(AgentsException):
    """The run was hard-cancelled through Temporal; there is no result."""

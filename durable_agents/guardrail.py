"""Input, output and tool guardrails with the reference's decorators and result shapes.

Guardrail functions are user code: they run in activities, looked up by name in the registry.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, overload

from pydantic import BaseModel, Field


class GuardrailFunctionOutput(BaseModel):
    output_info: Any = None
    tripwire_triggered: bool = False


class InputGuardrailResult(BaseModel):
    guardrail_name: str
    output: GuardrailFunctionOutput


class OutputGuardrailResult(BaseModel):
    guardrail_name: str
    agent_name: str
    agent_output: Any = None
    output: GuardrailFunctionOutput


async def _call(func: Callable[..., Any], *args: Any) -> Any:
    result = func(*args)
    if inspect.isawaitable(result):
        result = await result
    return result


@dataclass
class InputGuardrail:
    """Checks the run's input. `run_in_parallel=False` blocks the first model call until done."""

    guardrail_function: Callable[..., Any]
    name: str | None = None
    run_in_parallel: bool = True

    def get_name(self) -> str:
        return self.name or self.guardrail_function.__name__

    async def run(self, context: Any, agent: Any, input: Any) -> GuardrailFunctionOutput:
        return await _call(self.guardrail_function, context, agent, input)


@dataclass
class OutputGuardrail:
    guardrail_function: Callable[..., Any]
    name: str | None = None

    def get_name(self) -> str:
        return self.name or self.guardrail_function.__name__

    async def run(self, context: Any, agent: Any, agent_output: Any) -> GuardrailFunctionOutput:
        return await _call(self.guardrail_function, context, agent, agent_output)


@overload
def input_guardrail(func: Callable[..., Any]) -> InputGuardrail: ...
@overload
def input_guardrail(
    *, name: str | None = None, run_in_parallel: bool = True
) -> Callable[[Callable[..., Any]], InputGuardrail]: ...
def input_guardrail(
    func: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    run_in_parallel: bool = True,
) -> Any:
    def decorate(f: Callable[..., Any]) -> InputGuardrail:
        return InputGuardrail(guardrail_function=f, name=name, run_in_parallel=run_in_parallel)

    return decorate(func) if func is not None else decorate


@overload
def output_guardrail(func: Callable[..., Any]) -> OutputGuardrail: ...
@overload
def output_guardrail(
    *, name: str | None = None
) -> Callable[[Callable[..., Any]], OutputGuardrail]: ...
def output_guardrail(func: Callable[..., Any] | None = None, *, name: str | None = None) -> Any:
    def decorate(f: Callable[..., Any]) -> OutputGuardrail:
        return OutputGuardrail(guardrail_function=f, name=name)

    return decorate(func) if func is not None else decorate


# --- tool guardrails ---------------------------------------------------------------------------


class ToolGuardrailBehavior(BaseModel):
    type: Literal["allow", "reject_content", "raise_exception"] = "allow"
    message: str | None = None


class ToolGuardrailFunctionOutput(BaseModel):
    output_info: Any = None
    behavior: ToolGuardrailBehavior = Field(default_factory=ToolGuardrailBehavior)

    @classmethod
    def allow(cls, output_info: Any = None) -> ToolGuardrailFunctionOutput:
        return cls(output_info=output_info)

    @classmethod
    def reject_content(cls, message: str, output_info: Any = None) -> ToolGuardrailFunctionOutput:
        return cls(
            output_info=output_info,
            behavior=ToolGuardrailBehavior(type="reject_content", message=message),
        )

    @classmethod
    def raise_exception(cls, output_info: Any = None) -> ToolGuardrailFunctionOutput:
        return cls(output_info=output_info, behavior=ToolGuardrailBehavior(type="raise_exception"))


class ToolGuardrailResult(BaseModel):
    guardrail_name: str
    tool_name: str
    output: ToolGuardrailFunctionOutput


@dataclass
class ToolInputGuardrailData:
    context: Any
    """The `ToolContext` of the call (tool name, call id, arguments, run context)."""
    agent: Any


@dataclass
class ToolOutputGuardrailData(ToolInputGuardrailData):
    output: Any = None


@dataclass
class ToolInputGuardrail:
    guardrail_function: Callable[[ToolInputGuardrailData], Any]
    name: str | None = None

    def get_name(self) -> str:
        return self.name or self.guardrail_function.__name__

    async def run(self, data: ToolInputGuardrailData) -> ToolGuardrailFunctionOutput:
        return await _call(self.guardrail_function, data)


@dataclass
class ToolOutputGuardrail:
    guardrail_function: Callable[[ToolOutputGuardrailData], Any]
    name: str | None = None

    def get_name(self) -> str:
        return self.name or self.guardrail_function.__name__

    async def run(self, data: ToolOutputGuardrailData) -> ToolGuardrailFunctionOutput:
        return await _call(self.guardrail_function, data)


def tool_input_guardrail(func: Callable[..., Any] | None = None, *, name: str | None = None) -> Any:
    def decorate(f: Callable[..., Any]) -> ToolInputGuardrail:
        return ToolInputGuardrail(guardrail_function=f, name=name)

    return decorate(func) if func is not None else decorate


def tool_output_guardrail(
    func: Callable[..., Any] | None = None, *, name: str | None = None
) -> Any:
    def decorate(f: Callable[..., Any]) -> ToolOutputGuardrail:
        return ToolOutputGuardrail(guardrail_function=f, name=name)

    return decorate(func) if func is not None else decorate


__all__ = [
    "GuardrailFunctionOutput",
    "InputGuardrail",
    "InputGuardrailResult",
    "OutputGuardrail",
    "OutputGuardrailResult",
    "ToolGuardrailFunctionOutput",
    "ToolGuardrailResult",
    "ToolInputGuardrail",
    "ToolInputGuardrailData",
    "ToolOutputGuardrail",
    "ToolOutputGuardrailData",
    "input_guardrail",
    "output_guardrail",
    "tool_input_guardrail",
    "tool_output_guardrail",
]

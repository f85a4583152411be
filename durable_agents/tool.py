"""Function tools. The decorated function runs only inside the tool activity on a worker."""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, overload

from pydantic import ValidationError

from .exceptions import ModelBehaviorError
from .function_schema import DocstringStyle, function_schema
from .guardrail import ToolInputGuardrail, ToolOutputGuardrail
from .items import RunItem
from .run_context import RunContextWrapper, ToolContext

ToolErrorFunction = Callable[[RunContextWrapper[Any], Exception], Any]


def default_tool_error_function(ctx: RunContextWrapper[Any], error: Exception) -> str:
    """The text the model sees when a tool fails, as in the reference."""
    return f"An error occurred while running the tool. Please try again. Error: {error}"


@dataclass
class FunctionTool:
    name: str
    description: str
    params_json_schema: dict[str, Any]
    on_invoke_tool: Callable[[ToolContext[Any], str], Awaitable[Any]]
    strict_json_schema: bool = True
    is_enabled: bool | Callable[[RunContextWrapper[Any], Any], Any] = True
    tool_input_guardrails: list[ToolInputGuardrail] | None = None
    tool_output_guardrails: list[ToolOutputGuardrail] | None = None
    timeout_seconds: float | None = None
    """Start-to-close timeout of this tool's activity; the worker default when None."""
    run_locally: bool = False
    """For cheap, idempotent tools: run as a Temporal local activity on the workflow's worker,
    saving a server round trip per call. A crash mid-call runs it again."""
    failure_error_function: ToolErrorFunction | None = field(default=default_tool_error_function)
    """Kept for introspection; `on_invoke_tool` already applies it."""


Tool = FunctionTool
"""A tool an agent can hold. The reference's `Tool` is a union of function tools and hosted
tools (`WebSearchTool`, `FileSearchTool`, `ComputerTool`, ...); only function tools exist here."""


@dataclass
class FunctionToolResult:
    """A tool call's result, as a custom `tool_use_behavior` receives it."""

    tool: FunctionTool
    """The tool that was run."""
    output: Any
    """The tool's output (as the JSON the run carries)."""
    run_item: RunItem
    """The `tool_call_output_item` the call produced."""

    @property
    def tool_name(self) -> str:
        return self.tool.name

    @property
    def call_id(self) -> str:
        return str(self.run_item.raw_item.get("call_id", ""))


@overload
def function_tool(func: Callable[..., Any], /) -> FunctionTool: ...
@overload
def function_tool(
    *,
    name_override: str | None = None,
    description_override: str | None = None,
    docstring_style: DocstringStyle | None = None,
    use_docstring_info: bool = True,
    failure_error_function: ToolErrorFunction | None = default_tool_error_function,
    strict_mode: bool = True,
    is_enabled: bool | Callable[[RunContextWrapper[Any], Any], Any] = True,
    tool_input_guardrails: list[ToolInputGuardrail] | None = None,
    tool_output_guardrails: list[ToolOutputGuardrail] | None = None,
    timeout_seconds: float | None = None,
    run_locally: bool = False,
) -> Callable[[Callable[..., Any]], FunctionTool]: ...
def function_tool(
    func: Callable[..., Any] | None = None,
    /,
    *,
    name_override: str | None = None,
    description_override: str | None = None,
    docstring_style: DocstringStyle | None = None,
    use_docstring_info: bool = True,
    failure_error_function: ToolErrorFunction | None = default_tool_error_function,
    strict_mode: bool = True,
    is_enabled: bool | Callable[[RunContextWrapper[Any], Any], Any] = True,
    tool_input_guardrails: list[ToolInputGuardrail] | None = None,
    tool_output_guardrails: list[ToolOutputGuardrail] | None = None,
    timeout_seconds: float | None = None,
    run_locally: bool = False,
) -> Any:
    """Make a `FunctionTool` from a function: JSON schema from its signature and docstring."""

    def create(the_func: Callable[..., Any]) -> FunctionTool:
        schema = function_schema(
            the_func,
            name_override=name_override,
            description_override=description_override,
            docstring_style=docstring_style,
            use_docstring_info=use_docstring_info,
            strict_json_schema=strict_mode,
        )
        is_async = inspect.iscoroutinefunction(the_func)

        async def invoke(ctx: ToolContext[Any], input: str) -> Any:
            try:
                data = json.loads(input) if input else {}
            except Exception as e:
                raise ModelBehaviorError(
                    f"Invalid JSON input for tool {schema.name}: {input}"
                ) from e
            if not isinstance(data, dict):
                raise ModelBehaviorError(f"Invalid JSON input for tool {schema.name}: {input}")
            try:
                parsed = schema.params_pydantic_model(**data)
            except ValidationError as e:
                raise ModelBehaviorError(f"Invalid JSON input for tool {schema.name}: {e}") from e
            args, kwargs = schema.to_call_args(parsed)
            if schema.takes_context:
                args = [ctx, *args]
            if is_async:
                return await the_func(*args, **kwargs)
            # Sync tools run off the event loop so one slow tool cannot stall the worker.
            return await asyncio.to_thread(the_func, *args, **kwargs)

        async def on_invoke_tool(ctx: ToolContext[Any], input: str) -> Any:
            try:
                return await invoke(ctx, input)
            except Exception as e:
                if failure_error_function is None:
                    raise
                result = failure_error_function(ctx, e)
                if inspect.isawaitable(result):
                    result = await result
                return result

        return FunctionTool(
            name=schema.name,
            description=schema.description or "",
            params_json_schema=schema.params_json_schema,
            on_invoke_tool=on_invoke_tool,
            strict_json_schema=strict_mode,
            is_enabled=is_enabled,
            tool_input_guardrails=tool_input_guardrails,
            tool_output_guardrails=tool_output_guardrails,
            timeout_seconds=timeout_seconds,
            run_locally=run_locally,
            failure_error_function=failure_error_function,
        )

    return create(func) if func is not None else create

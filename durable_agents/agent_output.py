"""The JSON schema a model is asked to answer in, and the validation of its final answer.

Structured outputs must be JSON objects, so output types that are not objects (`list[int]`,
`int`, unions, dataclasses) travel wrapped as `{"response": ...}` and are unwrapped on the way
back, as the OpenAI Agents SDK does.
"""

from __future__ import annotations

import abc
from typing import Any, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import to_jsonable_python
from typing_extensions import TypedDict

from .exceptions import ModelBehaviorError, UserError
from .strict_schema import ensure_strict_json_schema

_WRAPPER_KEY = "response"


class AgentOutputSchemaBase(abc.ABC):
    """Subclass to control the output schema and parsing beyond what a Python type expresses."""

    @abc.abstractmethod
    def is_plain_text(self) -> bool: ...

    @abc.abstractmethod
    def name(self) -> str: ...

    @abc.abstractmethod
    def json_schema(self) -> dict[str, Any]:
        """Only asked for when the output is not plain text."""

    @abc.abstractmethod
    def is_strict_json_schema(self) -> bool: ...

    @abc.abstractmethod
    def validate_json(self, json_str: str) -> Any:
        """The parsed output; raise `ModelBehaviorError` when the model's JSON does not fit."""

    def to_jsonable(self, value: Any) -> Any:
        """A JSON-compatible form of a validated output, so it can cross activity and workflow
        boundaries; override when the validated value needs a custom encoding."""
        return to_jsonable_python(value)

    def from_jsonable(self, value: Any) -> Any:
        """The output again, from what `to_jsonable` made of it: what user code (guardrails,
        hooks, the program's result) gets. The JSON itself unless overridden."""
        return value


class AgentOutputSchema(AgentOutputSchemaBase):
    """The output schema of an agent whose `output_type` is a Python type."""

    output_type: Any

    def __init__(self, output_type: Any, strict_json_schema: bool = True) -> None:
        self.output_type = output_type
        self._strict_json_schema = strict_json_schema
        self._output_adapter: TypeAdapter[Any] = TypeAdapter(output_type)
        self._is_wrapped = not self.is_plain_text() and not _is_json_object_type(output_type)
        if self._is_wrapped:
            wrapper = TypedDict("OutputType", {_WRAPPER_KEY: output_type})  # type: ignore[misc]
            self._adapter: TypeAdapter[Any] = TypeAdapter(wrapper)
        else:
            self._adapter = self._output_adapter
        self._schema = self._adapter.json_schema()
        if strict_json_schema and not self.is_plain_text():
            try:
                self._schema = ensure_strict_json_schema(self._schema)
            except UserError as e:
                raise UserError(
                    f"Output type {self.name()} does not fit strict JSON schema mode. {e.message} "
                    "Make the type strict-compatible, or use AgentOutputSchema"
                    f"({self.name()}, strict_json_schema=False) as the agent's output_type."
                ) from e

    def is_plain_text(self) -> bool:
        return self.output_type is None or self.output_type is str

    def is_strict_json_schema(self) -> bool:
        return self._strict_json_schema

    def json_schema(self) -> dict[str, Any]:
        if self.is_plain_text():
            raise UserError("Output type is plain text, so no JSON schema is available")
        return self._schema

    def validate_json(self, json_str: str) -> Any:
        try:
            validated = self._adapter.validate_json(json_str)
        except ValidationError as e:
            if any(error["type"] == "json_invalid" for error in e.errors()):
                problem = "is not valid JSON"
            else:
                problem = f"does not match output type {self.name()}"
            raise ModelBehaviorError(
                f"The model's final output {problem}: {e}\nOutput was: {json_str}"
            ) from e
        return validated[_WRAPPER_KEY] if self._is_wrapped else validated

    def name(self) -> str:
        return _type_name(self.output_type)

    def to_jsonable(self, value: Any) -> Any:
        """Dump through the declared type, so the JSON matches the schema even for subclasses."""
        if self.is_plain_text():
            # A plain-text output is the model's text even when the declared type is None.
            return value
        return self._output_adapter.dump_python(value, mode="json")

    def from_jsonable(self, value: Any) -> Any:
        if self.is_plain_text():
            return value
        return self._output_adapter.validate_python(value)


def _is_json_object_type(t: Any) -> bool:
    """Pydantic models and dict types (TypedDicts included) already produce object schemas."""
    return isinstance(t, type) and issubclass(get_origin(t) or t, (BaseModel, dict))


def _type_name(t: Any) -> str:
    origin = get_origin(t)
    if origin is None:
        return getattr(t, "__name__", repr(t))
    args = get_args(t)
    origin_name = getattr(origin, "__name__", None) or getattr(origin, "_name", repr(origin))
    if not args:
        return origin_name
    return f"{origin_name}[{', '.join(_type_name(arg) for arg in args)}]"

"""The model interface: what a model activity sends to a model and gets back.

Items are plain dicts in the OpenAI Responses API item format (`TResponseInputItem`), so they
serialise into workflow history as readable JSON and every provider maps from one shape.
"""

from __future__ import annotations

import abc
from typing import Any

from pydantic import BaseModel, Field

from .model_settings import ModelSettings
from .usage import Usage

TResponseInputItem = dict[str, Any]
TResponseOutputItem = dict[str, Any]


class ToolDefinition(BaseModel):
    """A function tool (or a handoff presented as one) as the model sees it."""

    name: str
    description: str = ""
    params_json_schema: dict[str, Any]
    strict: bool = True


class OutputSchema(BaseModel):
    """The JSON schema the final output must match; None on a request means plain text."""

    name: str = "final_output"
    json_schema: dict[str, Any]
    strict: bool = True


class ModelCallContext(BaseModel):
    """Where in the run the call is made; lets test models answer deterministically by turn."""

    run_id: str = ""
    agent_name: str = ""
    turn: int = 0


class ModelRequest(BaseModel):
    model: str | None = None
    system_instructions: str | None = None
    input: list[TResponseInputItem]
    model_settings: ModelSettings = Field(default_factory=ModelSettings)
    tools: list[ToolDefinition] = Field(default_factory=list)
    handoffs: list[ToolDefinition] = Field(default_factory=list)
    output_schema: OutputSchema | None = None
    previous_response_id: str | None = None
    conversation_id: str | None = None
    call_context: ModelCallContext = Field(default_factory=ModelCallContext)


class ModelResponse(BaseModel):
    output: list[TResponseOutputItem]
    usage: Usage = Field(default_factory=Usage)
    response_id: str | None = None


class Model(abc.ABC):
    """A model implementation. Runs only inside activities, so it may do any I/O."""

    @abc.abstractmethod
    async def get_response(self, request: ModelRequest) -> ModelResponse: ...


class ModelProvider(abc.ABC):
    """Resolves model names (an agent's `model="..."`) to models on the worker."""

    @abc.abstractmethod
    def get_model(self, model_name: str | None) -> Model: ...

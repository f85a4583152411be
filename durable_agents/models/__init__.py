"""The model interface: what a model activity sends to a model and gets back.

Items are plain dicts in the OpenAI Responses API item format (`TResponseInputItem`), so they
serialise into workflow history as readable JSON and every provider maps from one shape. Stream
events (`TResponseStreamEvent`) are plain dicts in the Responses API's streaming event format
(`{"type": "response.output_text.delta", "delta": ...}`), whichever API the model speaks. The
reference's `TResponseStreamEvent` is openai's event union; here that typed form is what a
reader of the run's stream gets (`RawResponsesStreamEvent.data`), built from these dicts.
"""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator, Callable
from typing import Any

from pydantic import BaseModel, Field, field_validator

from ..exceptions import ModelBehaviorError
from ..model_settings import ModelSettings
from ..usage import Usage

TResponseInputItem = dict[str, Any]
TResponseOutputItem = dict[str, Any]
TResponseStreamEvent = dict[str, Any]

FAKE_RESPONSES_ID = "__fake_id__"
"""Id given to items (and streamed responses) that did not come from the Responses API (e.g.
Chat Completions output); it must not be sent back to the Responses API."""


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

    @field_validator("output", mode="before")
    @classmethod
    def _items_as_dicts(cls, output: Any) -> Any:
        """Output items may be given as the reference's are, openai's pydantic objects (e.g. a
        `ResponseOutputMessage`): they are kept as the dicts they dump to, fields by their
        JSON names and unset ones left out, as the reference's `to_input_items` makes them."""
        if not isinstance(output, list) or not any(isinstance(i, BaseModel) for i in output):
            return output
        return [
            i.model_dump(mode="json", by_alias=True, exclude_unset=True)
            if isinstance(i, BaseModel)
            else i
            for i in output
        ]

    def to_input_items(self) -> list[TResponseInputItem]:
        """The output as input items for a next call: a copy of each item."""
        return [dict(item) for item in self.output]


class Model(abc.ABC):
    """A model implementation. Runs only inside activities, so it may do any I/O.

    A subclass implements one of two interfaces, told apart by its `get_response` signature
    (inspected once per class): this one, `get_response(request)` taking one `ModelRequest`,
    or the reference's (`agents.models.interface.Model`), `get_response(system_instructions,
    input, model_settings, tools, output_schema, handoffs, tracing, *, previous_response_id,
    conversation_id, prompt)` and a `stream_response` with the same arguments yielding openai
    stream event objects. A model written to the reference's is called with the objects the
    reference passes (the turn's `FunctionTool`s and `Handoff`s, the agent's output schema)
    and may return openai output items in its `ModelResponse`; see
    `activities.models.sdk_interface`."""

    @abc.abstractmethod
    async def get_response(self, request: ModelRequest) -> ModelResponse: ...

    async def stream_response(self, request: ModelRequest) -> AsyncIterator[TResponseStreamEvent]:
        """The response as it is generated: Responses API stream events as plain dicts, the
        last of which (`response.completed`) carries the whole response; `final_response`
        reads it. A model that cannot stream keeps this default: `get_response`, then that
        one event, so a streamed run works with any model (it just gets no token deltas)."""
        yield response_completed_event(await self.get_response(request))

    def final_response(self, event: TResponseStreamEvent) -> ModelResponse | None:
        """The `ModelResponse` that a stream event of `stream_response` completes, or None
        for every other event. It must equal what `get_response` returns for the same reply."""
        if event.get("type") != "response.completed":
            return None
        return response_from_completed_event(event)


class ModelProvider(abc.ABC):
    """Resolves model names (an agent's `model="..."`) to models on the worker."""

    @abc.abstractmethod
    def get_model(self, model_name: str | None) -> Model: ...


async def streamed_response(
    model: Model,
    request: ModelRequest,
    on_event: Callable[[TResponseStreamEvent], None],
) -> ModelResponse:
    """Runs `model.stream_response`, handing each event to `on_event` as it comes; returns the
    final response. A stream that ends without one is the model misbehaving, as in the
    reference."""
    final: ModelResponse | None = None
    async for event in model.stream_response(request):
        on_event(event)
        response = model.final_response(event)
        if response is not None:
            final = response
    if final is None:
        raise ModelBehaviorError("Model did not produce a final response!")
    return final


def response_object(
    response: ModelResponse, *, status: str = "completed", model: str | None = None
) -> dict[str, Any]:
    """`response` in the Responses API's `Response` shape. Usage keeps the Responses field
    names, plus `requests`, so it reads back unchanged; a response without an id (Chat
    Completions) gets the placeholder id, as in the reference."""
    usage = response.usage.model_dump(
        exclude=set() if response.usage.request_usage_entries else {"request_usage_entries"}
    )
    data: dict[str, Any] = {
        "id": response.response_id or FAKE_RESPONSES_ID,
        "object": "response",
        "status": status,
        "output": response.output,
        "usage": usage,
    }
    if model is not None:
        data["model"] = model
    return data


def response_completed_event(
    response: ModelResponse, *, sequence_number: int = 0, model: str | None = None
) -> TResponseStreamEvent:
    return {
        "type": "response.completed",
        "sequence_number": sequence_number,
        "response": response_object(response, model=model),
    }


def response_from_completed_event(event: TResponseStreamEvent) -> ModelResponse:
    """The inverse of `response_completed_event`."""
    data = event.get("response")
    if not isinstance(data, dict) or not isinstance(data.get("output"), list):
        raise ModelBehaviorError("the model's response.completed event carries no response")
    usage = data.get("usage")
    response_id = data.get("id")
    return ModelResponse(
        output=list(data["output"]),
        usage=Usage.model_validate({"requests": 1, **usage}) if usage else Usage(),
        response_id=None if response_id == FAKE_RESPONSES_ID else response_id,
    )

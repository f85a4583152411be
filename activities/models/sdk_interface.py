"""Models written to the reference's interface (`agents.models.interface.Model`).

An SDK program's model subclasses `durable_agents.Model` as it subclassed `agents.Model`, with
the reference's `get_response(system_instructions, input, model_settings, tools, output_schema,
handoffs, tracing, *, previous_response_id, conversation_id, prompt)` and a `stream_response`
with the same arguments that yields openai's stream event objects. Such a class is recognised
by its `get_response` signature, once per class (`speaks_sdk_interface`), and the model turn
calls it through `SdkInterfaceModel`, which is one of our models: it turns our `ModelRequest`
into the reference's arguments, with the turn's own objects (the enabled `FunctionTool`s and
`Handoff`s, the agent's output schema), and what the model gives back into ours.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator
from typing import Any

from pydantic import BaseModel, ValidationError

from durable_agents.agent_output import AgentOutputSchemaBase
from durable_agents.exceptions import UserError
from durable_agents.handoffs import Handoff
from durable_agents.models import (
    Model,
    ModelRequest,
    ModelResponse,
    TResponseStreamEvent,
    response_completed_event,
)
from durable_agents.models.interface import ModelTracing
from durable_agents.tool import FunctionTool

TRACING = ModelTracing.DISABLED
"""What a model is told of tracing: nothing is traced yet (see `durable_agents.tracing`), so
a model's own spans would record nothing either."""

_ONE_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
_STREAM_POSITIONAL = (
    "system_instructions",
    "input",
    "model_settings",
    "tools",
    "output_schema",
    "handoffs",
    "tracing",
)


def speaks_sdk_interface(model: Model) -> bool:
    """Whether `model`'s class implements the reference's interface rather than ours: its
    `get_response` takes anything but one positional argument (ours: the `ModelRequest`), or
    names that one `system_instructions`. So `(self, *args, **kwargs)` is the reference's."""
    return _sdk_class(type(model))


@functools.cache
def _sdk_class(cls: type[Model]) -> bool:
    try:
        params = list(inspect.signature(cls.get_response).parameters.values())[1:]
    except (TypeError, ValueError):  # no signature to read: taken as ours
        return False
    ours = (
        len(params) == 1
        and params[0].kind in _ONE_POSITIONAL
        and params[0].name != "system_instructions"
    )
    return not ours


class SdkInterfaceModel(Model):
    """`model`, written to the reference's interface, as one of ours for one model turn."""

    def __init__(
        self,
        model: Model,
        tools: list[FunctionTool],
        handoffs: list[Handoff],
        output_schema: AgentOutputSchemaBase | None,
    ) -> None:
        self.model = model
        self.tools = tools
        self.handoffs = handoffs
        self.output_schema = output_schema

    def _arguments(self, request: ModelRequest) -> dict[str, Any]:
        """The reference's arguments, by name, as its runner passes them to `get_response`.
        `prompt` is always None: agents here have no `prompt`."""
        return {
            "system_instructions": request.system_instructions,
            "input": request.input,
            "model_settings": request.model_settings,
            "tools": list(self.tools),
            "output_schema": self.output_schema,
            "handoffs": list(self.handoffs),
            "tracing": TRACING,
            "previous_response_id": request.previous_response_id,
            "conversation_id": request.conversation_id,
            "prompt": None,
        }

    async def get_response(self, request: ModelRequest) -> ModelResponse:
        response = await self.model.get_response(**self._arguments(request))
        return _as_response(self.model, response)

    async def stream_response(self, request: ModelRequest) -> AsyncIterator[TResponseStreamEvent]:
        """The model's events as dicts; the reference's runner passes the first seven
        arguments by position here. A class that did not write a `stream_response` of its own
        (the reference requires one) gets its whole response as one `response.completed`."""
        if type(self.model).stream_response is Model.stream_response:
            yield response_completed_event(await self.get_response(request))
            return
        keywords = self._arguments(request)
        positional = [keywords.pop(name) for name in _STREAM_POSITIONAL]
        stream = self.model.stream_response(*positional, **keywords)
        async for event in stream:
            yield _event_dict(self.model, event)


def _as_response(model: Model, response: Any) -> ModelResponse:
    """Ours as it is (openai items in it became dicts when it was made); another object with
    the same fields (`output`, `usage`, `response_id`) read by attribute."""
    if isinstance(response, ModelResponse):
        return response
    try:
        return ModelResponse.model_validate(response, from_attributes=True)
    except ValidationError as e:
        raise UserError(
            f"{type(model).__name__}.get_response must return a ModelResponse, "
            f"got {type(response).__name__}: {e}"
        ) from e


def _event_dict(model: Model, event: Any) -> TResponseStreamEvent:
    """An openai event object as the dict the run's stream carries (fields by their JSON names,
    unset ones left out); a dict as it is."""
    if isinstance(event, BaseModel):
        return event.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(event, dict):
        return event
    raise UserError(
        f"{type(model).__name__}.stream_response must yield stream events, "
        f"got {type(event).__name__}"
    )

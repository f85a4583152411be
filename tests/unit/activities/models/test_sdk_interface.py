"""Models written to the reference's interface: how they are recognised, and what the adapter
makes of their arguments, responses and stream events."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from activities.models.openai_chat import OpenAIChatCompletionsModel
from activities.models.openai_responses import OpenAIResponsesModel
from activities.models.sdk_interface import SdkInterfaceModel, _sdk_class, speaks_sdk_interface
from durable_agents import Model
from durable_agents.exceptions import UserError
from durable_agents.items import ModelResponse
from durable_agents.models import ModelRequest, streamed_response
from durable_agents.testing import ScriptedModel
from durable_agents.usage import Usage
from tests.support.sdk_model import SdkFakeModel, text_message, tool_call


class Ours(Model):
    async def get_response(self, request: ModelRequest) -> ModelResponse:
        return ModelResponse(output=[])


class Anything(Model):
    """As the SDK's own tests write a model that takes whatever it is given."""

    def __init__(self, response: Any = None) -> None:
        self.response = response

    async def get_response(self, *args: Any, **kwargs: Any) -> Any:
        return self.response


class NamedOnly(Model):
    async def get_response(self, system_instructions: str | None) -> ModelResponse:
        return ModelResponse(output=[])


def test_a_model_is_recognised_by_its_get_response_signature() -> None:
    assert not speaks_sdk_interface(Ours())
    assert not speaks_sdk_interface(ScriptedModel(["x"]))
    assert not _sdk_class(OpenAIResponsesModel) and not _sdk_class(OpenAIChatCompletionsModel)
    assert speaks_sdk_interface(SdkFakeModel([]))
    assert speaks_sdk_interface(Anything())
    assert speaks_sdk_interface(NamedOnly())


def test_a_model_response_keeps_openai_items_as_dicts() -> None:
    response = ModelResponse(
        output=[text_message("hi"), tool_call("f", "{}", "c1")], usage=Usage(), response_id=None
    )
    assert response.output == [
        {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": "hi", "annotations": []}],
        },
        {"id": "fc_c1", "type": "function_call", "name": "f", "arguments": "{}", "call_id": "c1"},
    ]
    assert response.to_input_items() == response.output
    assert response.to_input_items()[0] is not response.output[0]
    assert ModelResponse.model_validate_json(response.model_dump_json()) == response


def request() -> ModelRequest:
    return ModelRequest(system_instructions="Be brief.", input=[{"role": "user", "content": "hi"}])


async def test_a_response_of_another_class_is_read_by_its_fields() -> None:
    @dataclasses.dataclass
    class TheirResponse:
        output: list[Any]
        usage: Any
        response_id: str | None

    theirs = TheirResponse([text_message("hi")], Usage(requests=1), "r1")
    response = await SdkInterfaceModel(Anything(theirs), [], [], None).get_response(request())
    assert response.output[0]["content"][0]["text"] == "hi" and response.response_id == "r1"

    with pytest.raises(UserError, match="Anything.get_response must return a ModelResponse"):
        await SdkInterfaceModel(Anything("hi"), [], [], None).get_response(request())


async def test_a_model_without_its_own_stream_streams_its_whole_response() -> None:
    model = SdkInterfaceModel(Anything(ModelResponse(output=[text_message("hi")])), [], [], None)
    events: list[Any] = []
    response = await streamed_response(model, request(), events.append)
    assert [e["type"] for e in events] == ["response.completed"]
    assert response.output[0]["content"][0]["text"] == "hi"


async def test_stream_events_become_dicts_and_the_completed_one_the_response() -> None:
    model = SdkInterfaceModel(SdkFakeModel([[text_message("a b")]]), [], [], None)
    events: list[Any] = []
    response = await streamed_response(model, request(), events.append)
    assert all(isinstance(e, dict) for e in events)
    assert [e["type"] for e in events] == [
        "response.created",
        "response.output_item.added",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_item.done",
        "response.completed",
    ]
    assert response.response_id == "resp-789"
    assert response.output == [text_message("a b").model_dump(exclude_unset=True)]


async def test_a_stream_that_yields_something_else_is_a_user_error() -> None:
    class Wrong(Anything):
        async def stream_response(self, *args: Any, **kwargs: Any) -> Any:
            yield "delta"

    with pytest.raises(UserError, match="Wrong.stream_response must yield stream events"):
        await streamed_response(SdkInterfaceModel(Wrong(), [], [], None), request(), [].append)

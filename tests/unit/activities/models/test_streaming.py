"""`Model.stream_response` without a server: the default for models that cannot stream, the
scripted model's chunked stream, and what a stream must end with."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from durable_agents.exceptions import ModelBehaviorError
from durable_agents.items import assistant_message, function_call
from durable_agents.models import (
    Model,
    ModelCallContext,
    ModelRequest,
    ModelResponse,
    TResponseStreamEvent,
    streamed_response,
)
from durable_agents.testing import ScriptedModel
from durable_agents.usage import RequestUsage, Usage


def request(turn: int = 1) -> ModelRequest:
    return ModelRequest(
        input=[{"role": "user", "content": "hi"}], call_context=ModelCallContext(turn=turn)
    )


async def collect(model: Model, turn: int = 1) -> tuple[list[TResponseStreamEvent], ModelResponse]:
    events: list[TResponseStreamEvent] = []
    response = await streamed_response(model, request(turn), events.append)
    return events, response


class Fixed(Model):
    """A model that cannot stream."""

    def __init__(self, response: ModelResponse) -> None:
        self.response = response

    async def get_response(self, request: ModelRequest) -> ModelResponse:
        return self.response


@pytest.mark.parametrize(
    "response",
    [
        ModelResponse(output=[assistant_message("hi")], usage=Usage(), response_id=None),
        ModelResponse(
            output=[function_call("f", {"a": 1}, call_id="c1")],
            usage=Usage(
                requests=2,
                input_tokens=7,
                output_tokens=3,
                total_tokens=10,
                request_usage_entries=[RequestUsage(input_tokens=7)],
            ),
            response_id="resp_9",
        ),
    ],
)
async def test_a_model_that_cannot_stream_yields_its_completed_response(response: ModelResponse):
    events, streamed = await collect(Fixed(response))
    [completed] = events
    assert completed["type"] == "response.completed"
    assert completed["response"]["output"] == response.output
    assert completed["response"]["id"] == (response.response_id or "__fake_id__")
    assert completed["response"]["usage"]["input_tokens"] == response.usage.input_tokens
    assert streamed == response


async def test_the_scripted_model_streams_text_and_arguments_in_chunks():
    script = ["Once upon a time.", [function_call("lookup", {"order": "A1"}, call_id="c1")]]
    model = ScriptedModel(script, stream_chunk_size=4)
    events, streamed = await collect(model)
    text = [e["delta"] for e in events if e["type"] == "response.output_text.delta"]
    assert text == ["Once", " upo", "n a ", "time", "."]
    assert streamed == await model.get_response(request())
    assert [e["sequence_number"] for e in events] == list(range(len(events)))

    events, streamed = await collect(model, turn=2)
    arguments = [
        e["delta"] for e in events if e["type"] == "response.function_call_arguments.delta"
    ]
    assert "".join(arguments) == '{"order": "A1"}' and len(arguments) > 1
    [done] = [e for e in events if e["type"] == "response.output_item.done"]
    assert done["item"] == streamed.output[0]

    unchunked, _ = await collect(ScriptedModel(script))
    assert [e["type"] for e in unchunked] == ["response.completed"]
    with pytest.raises(ValueError):
        ScriptedModel(script, stream_chunk_size=0)


class NoEnd(Fixed):
    async def stream_response(self, request: ModelRequest) -> AsyncIterator[dict[str, Any]]:
        yield {"type": "response.created", "sequence_number": 0}


async def test_a_stream_without_a_final_response_is_a_behavior_error():
    with pytest.raises(ModelBehaviorError, match="did not produce a final response"):
        await collect(NoEnd(ModelResponse(output=[])))

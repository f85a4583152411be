"""`RawResponsesStreamEvent.data`: the model's dict event as openai's event object, as in the
reference, serialising back to exactly that dict, so the wire form does not change."""

from __future__ import annotations

from typing import Any

import pytest
from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseFunctionToolCall,
    ResponseOutputMessage,
    ResponseTextDeltaEvent,
    ResponseUsage,
)
from pydantic import ValidationError
from temporalio.contrib.pydantic import pydantic_data_converter

from client.agent_client import decode_stream_event
from durable_agents import ModelRequest, ModelResponse, RawResponsesStreamEvent, Usage
from durable_agents.items import assistant_message, function_call
from durable_agents.models import ModelCallContext, response_completed_event
from durable_agents.stream_events import STREAM_EVENT_ADAPTER
from durable_agents.testing import ScriptedModel

DELTA = {
    "type": "response.output_text.delta",
    "sequence_number": 4,
    "item_id": "msg_1",
    "output_index": 0,
    "content_index": 0,
    "delta": "Once",
    "logprobs": [],
}

RESPONSE = ModelResponse(
    output=[assistant_message("hi", id="msg_1"), function_call("f", {"a": 1}, call_id="c1")],
    usage=Usage(requests=1, input_tokens=3, output_tokens=4, total_tokens=7),
    response_id="resp_1",
)


def _round_trip(event: RawResponsesStreamEvent) -> RawResponsesStreamEvent:
    back = STREAM_EVENT_ADAPTER.validate_json(event.model_dump_json())
    assert isinstance(back, RawResponsesStreamEvent)
    return back


def test_a_dict_of_a_known_type_becomes_its_openai_event() -> None:
    event = RawResponsesStreamEvent(data=DELTA)
    assert isinstance(event.data, ResponseTextDeltaEvent)
    assert event.data.delta == "Once"
    assert event.data.sequence_number == 4
    assert event.data.logprobs == []
    # Constructed, not validated: what the model left out reads as None, not an error.
    sparse = RawResponsesStreamEvent(data={"type": "response.output_text.delta", "delta": "x"})
    assert isinstance(sparse.data, ResponseTextDeltaEvent)
    assert sparse.data.item_id is None
    assert sparse.model_dump()["data"] == {"type": "response.output_text.delta", "delta": "x"}


def test_an_openai_event_object_is_kept_as_it_is() -> None:
    delta = ResponseTextDeltaEvent.model_validate(DELTA)
    event = RawResponsesStreamEvent(data=delta)
    assert event.data is delta
    assert event.model_dump()["data"] == DELTA


def test_the_json_round_trip_gives_back_the_exact_dict() -> None:
    odd: dict[str, Any] = {
        **response_completed_event(RESPONSE, sequence_number=9),
        "provider_extra": {"kept": True},  # a field openai does not know
    }
    odd["response"]["text"] = {  # `schema` is an alias in openai's model (`schema_`)
        "format": {"type": "json_schema", "name": "out", "schema": {"type": "object"}}
    }
    odd["response"]["error"] = None  # explicitly None stays, unset stays unset
    for data in (DELTA, odd):
        event = RawResponsesStreamEvent(data=data, offset=3)
        back = _round_trip(event)
        assert type(back.data) is type(event.data)
        assert back.model_dump(mode="json") == event.model_dump(mode="json")
        assert back.model_dump(mode="json")["data"] == data
        assert back == event
    assert odd["response"]["text"]["format"]["schema"] == {"type": "object"}


async def test_every_event_a_scripted_model_streams_round_trips() -> None:
    model = ScriptedModel([RESPONSE], stream_chunk_size=1)
    request = ModelRequest(
        input=[{"role": "user", "content": "hi"}], call_context=ModelCallContext(turn=1)
    )
    streamed = [data async for data in model.stream_response(request)]
    assert len(streamed) > 10
    for data in streamed:
        event = RawResponsesStreamEvent(data=data)
        assert not isinstance(event.data, dict), data["type"]  # every one of them typed
        assert _round_trip(event).model_dump(mode="json")["data"] == data
    deltas = [RawResponsesStreamEvent(data=d).data for d in streamed]
    deltas = [d for d in deltas if isinstance(d, ResponseTextDeltaEvent)]
    assert [d.delta for d in deltas] == ["h", "i"]
    assert all(d.logprobs == [] for d in deltas)  # a list, as the reference always sets


def test_the_completed_events_response_is_typed_all_the_way_down() -> None:
    event = _round_trip(RawResponsesStreamEvent(data=response_completed_event(RESPONSE)))
    assert isinstance(event.data, ResponseCompletedEvent)
    response = event.data.response
    assert isinstance(response, Response)
    assert response.id == "resp_1"
    message, call = response.output
    assert isinstance(message, ResponseOutputMessage)
    assert message.content[0].text == "hi"
    assert isinstance(call, ResponseFunctionToolCall)
    assert (call.name, call.call_id, call.arguments) == ("f", "c1", '{"a": 1}')
    assert isinstance(response.usage, ResponseUsage)
    assert response.usage.input_tokens == 3
    assert event.model_dump(mode="json")["data"]["response"]["output"] == RESPONSE.output


def test_temporals_pydantic_converter_carries_the_dict_form() -> None:
    """The model activity publishes through Temporal's pydantic converter, the client decodes
    the payload: the wire form is the model's dict, and the reader gets the typed event."""
    [payload] = pydantic_data_converter.payload_converter.to_payloads(
        [RawResponsesStreamEvent(data=DELTA, offset=7)]
    )
    decoded = decode_stream_event(payload)
    assert isinstance(decoded, RawResponsesStreamEvent)
    assert isinstance(decoded.data, ResponseTextDeltaEvent)
    assert (decoded.data.delta, decoded.offset) == ("Once", 7)
    [plain] = pydantic_data_converter.payload_converter.from_payloads([payload])
    assert plain["data"] == DELTA


@pytest.mark.parametrize(
    "data",
    [
        {"type": "vendor.thinking.delta", "delta": "hm"},  # not a type openai knows
        {"type": ["response.output_text.delta"]},  # not even a string
        {"delta": "no type"},
    ],
)
def test_an_event_of_a_type_openai_does_not_know_stays_a_dict(data: dict[str, Any]) -> None:
    event = RawResponsesStreamEvent(data=data)
    assert event.data == data and isinstance(event.data, dict)
    back = _round_trip(event)
    assert isinstance(back.data, dict)
    assert back.data == data


@pytest.mark.parametrize("data", [None, "response.output_text.delta", 3, [DELTA]])
def test_data_that_is_no_event_is_refused(data: Any) -> None:
    with pytest.raises(ValidationError, match="must be a stream event"):
        RawResponsesStreamEvent(data=data)

"""OpenAI model adapters, error classification and provider routing, through the real
`openai.AsyncOpenAI` client against `FakeOpenAIServer` (no Temporal, no network)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta
from typing import Any

import openai
import pytest
from openai import AsyncOpenAI
from temporalio.exceptions import ApplicationError

from activities.models.errors import model_error_to_application_error, retry_after
from activities.models.openai_chat import OpenAIChatCompletionsModel, items_to_messages
from activities.models.openai_responses import FAKE_RESPONSES_ID, OpenAIResponsesModel
from activities.models.provider import (
    MissingAPIKeyError,
    MultiProvider,
    MultiProviderMap,
    OpenAIProvider,
)
from durable_agents.exceptions import ModelBehaviorError, UserError
from durable_agents.model_settings import ModelSettings, Reasoning
from durable_agents.models import (
    Model,
    ModelProvider,
    ModelRequest,
    ModelResponse,
    OutputSchema,
    ToolDefinition,
    TResponseStreamEvent,
    streamed_response,
)
from durable_agents.testing import ScriptedModel
from tests.support.fake_openai import (
    FakeOpenAIServer,
    RecordedRequest,
    Reply,
    TokenUsage,
    bad_request_reply,
    error_reply,
    failing_stream_reply,
    handoff_reply,
    json_reply,
    malformed_reply,
    rate_limit_reply,
    server_error_reply,
    slow_reply,
    text_reply,
    tool_call,
    tool_call_reply,
    tool_calls_reply,
)

SECRET = "sk-test-SECRET-0123456789abcdef"

PARAMS = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
    "additionalProperties": False,
}
WEATHER = ToolDefinition(
    name="get_weather", description="Weather by city", params_json_schema=PARAMS
)
HANDOFF = ToolDefinition(
    name="transfer_to_billing",
    description="Hand off to billing",
    params_json_schema={"type": "object", "properties": {}, "additionalProperties": False},
)
ANSWER_SCHEMA = OutputSchema(
    json_schema={
        "type": "object",
        "properties": {"answer": {"type": "string"}},
        "required": ["answer"],
        "additionalProperties": False,
    }
)

HISTORY: list[dict[str, Any]] = [
    {"role": "user", "content": "Weather in Paris and Rome?"},
    {
        "type": "message",
        "id": "msg_1",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": "Checking.", "annotations": []}],
    },
    {
        "type": "function_call",
        "id": "fc_1",
        "call_id": "call_1",
        "name": "get_weather",
        "arguments": '{"city": "Paris"}',
    },
    {
        "type": "function_call",
        "id": "fc_2",
        "call_id": "call_2",
        "name": "get_weather",
        "arguments": '{"city": "Rome"}',
    },
    {"type": "function_call_output", "call_id": "call_1", "output": "sunny"},
    {"type": "function_call_output", "call_id": "call_2", "output": "rain"},
]


@pytest.fixture(scope="module")
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        yield fake


@pytest.fixture
def fake(server: FakeOpenAIServer) -> FakeOpenAIServer:
    server.reset()
    return server


@pytest.fixture
async def client(fake: FakeOpenAIServer) -> AsyncIterator[AsyncOpenAI]:
    async with AsyncOpenAI(api_key=SECRET, base_url=fake.base_url, max_retries=0, timeout=5) as c:
        yield c


def full_request(**overrides: Any) -> ModelRequest:
    settings = ModelSettings(
        temperature=0.2,
        top_p=0.9,
        frequency_penalty=0.1,
        presence_penalty=0.3,
        max_tokens=256,
        tool_choice="get_weather",
        parallel_tool_calls=True,
        truncation="auto",
        reasoning=Reasoning(effort="low", summary="auto"),
        verbosity="low",
        metadata={"run": "r1"},
        store=False,
        prompt_cache_retention="24h",
        top_logprobs=2,
        response_include=["reasoning.encrypted_content"],
        extra_headers={"X-Trace": "t1"},
        extra_query={"api-version": "v9"},
        extra_body={"service_tier": "flex"},
        extra_args={"user": "u-1"},
    )
    fields: dict[str, Any] = {
        "system_instructions": "Be brief.",
        "input": HISTORY,
        "model_settings": settings,
        "tools": [WEATHER],
        "handoffs": [HANDOFF],
        "output_schema": ANSWER_SCHEMA,
        "previous_response_id": "resp_prev",
        "conversation_id": "conv_1",
    }
    return ModelRequest(**(fields | overrides))


def has_none(value: Any) -> bool:
    if isinstance(value, dict):
        return any(v is None or has_none(v) for v in value.values())
    if isinstance(value, list):
        return any(has_none(v) for v in value)
    return False


# --- Responses API ------------------------------------------------------------------------------


async def test_responses_request_maps_everything(fake: FakeOpenAIServer, client: AsyncOpenAI):
    fake.enqueue(text_reply('{"answer": "ok"}'))
    await OpenAIResponsesModel("gpt-4.1", client).get_response(full_request())

    sent = fake.last_request
    assert sent.path == "/v1/responses"
    assert sent.headers["authorization"] == f"Bearer {SECRET}"
    assert sent.headers["x-trace"] == "t1"
    assert sent.headers["user-agent"].startswith("Agents/Python")
    assert sent.query == {"api-version": "v9"}
    body = sent.body
    assert body["model"] == "gpt-4.1"
    assert body["instructions"] == "Be brief."
    assert body["input"] == HISTORY
    assert body["tools"] == [
        {
            "type": "function",
            "name": "get_weather",
            "description": "Weather by city",
            "parameters": PARAMS,
            "strict": True,
        },
        {
            "type": "function",
            "name": "transfer_to_billing",
            "description": "Hand off to billing",
            "parameters": HANDOFF.params_json_schema,
            "strict": True,
        },
    ]
    assert body["text"] == {
        "format": {
            "type": "json_schema",
            "name": "final_output",
            "schema": ANSWER_SCHEMA.json_schema,
            "strict": True,
        },
        "verbosity": "low",
    }
    assert body["tool_choice"] == {"type": "function", "name": "get_weather"}
    assert body["include"] == ["message.output_text.logprobs", "reasoning.encrypted_content"]
    expected = {
        "temperature": 0.2,
        "top_p": 0.9,
        "max_output_tokens": 256,
        "parallel_tool_calls": True,
        "truncation": "auto",
        "reasoning": {"effort": "low", "summary": "auto"},
        "metadata": {"run": "r1"},
        "store": False,
        "prompt_cache_retention": "24h",
        "top_logprobs": 2,
        "previous_response_id": "resp_prev",
        "conversation": "conv_1",
        "service_tier": "flex",
        "user": "u-1",
    }
    assert {key: body[key] for key in expected} == expected
    assert "frequency_penalty" not in body  # not a Responses API parameter


async def test_responses_request_omits_unset_fields(fake: FakeOpenAIServer, client: AsyncOpenAI):
    fake.enqueue(text_reply("hi"))
    request = ModelRequest(
        input=[{"role": "user", "content": "hi"}],
        model_settings=ModelSettings(parallel_tool_calls=True),
    )
    await OpenAIResponsesModel("gpt-4.1", client).get_response(request)
    # parallel_tool_calls without tools is rejected by the API, so it is dropped
    assert fake.last_request.body == {
        "model": "gpt-4.1",
        "input": [{"role": "user", "content": "hi"}],
    }


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("auto", "auto"),
        ("required", "required"),
        ("none", "none"),
        ("web_search", {"type": "web_search"}),
        ("my_tool", {"type": "function", "name": "my_tool"}),
        (
            {"server_label": "docs", "name": "search"},
            {"type": "mcp", "server_label": "docs", "name": "search"},
        ),
    ],
)
async def test_responses_tool_choice(
    fake: FakeOpenAIServer, client: AsyncOpenAI, choice: Any, expected: Any
):
    fake.enqueue(text_reply("hi"))
    request = ModelRequest(input=[], model_settings=ModelSettings(tool_choice=choice))
    await OpenAIResponsesModel("gpt-4.1", client).get_response(request)
    assert fake.last_request.body["tool_choice"] == expected


async def test_responses_parses_output_and_usage(fake: FakeOpenAIServer, client: AsyncOpenAI):
    usage = TokenUsage(input_tokens=120, output_tokens=30, cached_tokens=100, reasoning_tokens=12)
    fake.enqueue(
        tool_calls_reply(
            tool_call("get_weather", {"city": "Paris"}, call_id="call_a"),
            tool_call("transfer_to_billing"),
            text="Let me check.",
            usage=usage,
        )
    )
    response = await OpenAIResponsesModel("gpt-4.1", client).get_response(full_request())

    message, weather, handoff = response.output
    assert message["type"] == "message"
    assert message["content"][0]["text"] == "Let me check."
    assert weather["type"] == "function_call"
    assert (weather["call_id"], weather["name"]) == ("call_a", "get_weather")
    assert json.loads(weather["arguments"]) == {"city": "Paris"}
    assert handoff["name"] == "transfer_to_billing" and handoff["arguments"] == "{}"
    assert response.response_id and response.response_id.startswith("resp_")
    assert not has_none(response.output)
    assert response.usage.requests == 1
    assert (response.usage.input_tokens, response.usage.output_tokens) == (120, 30)
    assert response.usage.total_tokens == 150
    assert response.usage.input_tokens_details.cached_tokens == 100
    assert response.usage.output_tokens_details.reasoning_tokens == 12


async def test_responses_reasoning_and_structured_output(
    fake: FakeOpenAIServer, client: AsyncOpenAI
):
    fake.enqueue(text_reply('{"answer": "42"}', reasoning="Thought about it."))
    response = await OpenAIResponsesModel("o4-mini", client).get_response(full_request())
    reasoning, message = response.output
    assert reasoning["type"] == "reasoning"
    assert reasoning["summary"] == [{"type": "summary_text", "text": "Thought about it."}]
    assert json.loads(message["content"][0]["text"]) == {"answer": "42"}


async def test_responses_strips_other_providers_data(fake: FakeOpenAIServer, client: AsyncOpenAI):
    fake.enqueue(text_reply("hi"))
    from_chat: list[dict[str, Any]] = [
        {"role": "user", "content": "hi"},
        {
            "type": "reasoning",
            "id": FAKE_RESPONSES_ID,
            "summary": [{"type": "summary_text", "text": "hmm"}],
            "provider_data": {"model": "deepseek-reasoner"},
        },
        {
            "type": "function_call",
            "id": FAKE_RESPONSES_ID,
            "call_id": "call_1",
            "name": "get_weather",
            "arguments": "{}",
            "provider_data": {"model": "deepseek-reasoner"},
        },
    ]
    original = json.loads(json.dumps(from_chat))
    await OpenAIResponsesModel("gpt-4.1", client).get_response(ModelRequest(input=from_chat))
    assert fake.last_request.body["input"] == [
        {"role": "user", "content": "hi"},
        {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{}"},
    ]
    assert from_chat == original


# --- Chat Completions API -----------------------------------------------------------------------


async def test_chat_request_maps_everything(fake: FakeOpenAIServer, client: AsyncOpenAI):
    fake.enqueue(text_reply('{"answer": "ok"}'))
    await OpenAIChatCompletionsModel("gpt-4o", client).get_response(full_request())

    sent = fake.last_request
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["x-trace"] == "t1"
    assert sent.query == {"api-version": "v9"}
    body = sent.body
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Weather in Paris and Rome?"},
        {
            "role": "assistant",
            "content": "Checking.",
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                },
                {
                    "id": "call_2",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "Rome"}'},
                },
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
        {"role": "tool", "tool_call_id": "call_2", "content": "rain"},
    ]
    assert body["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Weather by city",
                "parameters": PARAMS,
                "strict": True,
            },
        },
        {
            "type": "function",
            "function": {
                "name": "transfer_to_billing",
                "description": "Hand off to billing",
                "parameters": HANDOFF.params_json_schema,
                "strict": True,
            },
        },
    ]
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {
            "name": "final_output",
            "strict": True,
            "schema": ANSWER_SCHEMA.json_schema,
        },
    }
    assert body["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}
    expected = {
        "model": "gpt-4o",
        "temperature": 0.2,
        "top_p": 0.9,
        "frequency_penalty": 0.1,
        "presence_penalty": 0.3,
        "max_tokens": 256,
        "parallel_tool_calls": True,
        "store": False,
        "reasoning_effort": "low",
        "verbosity": "low",
        "top_logprobs": 2,
        "logprobs": True,
        "prompt_cache_retention": "24h",
        "metadata": {"run": "r1"},
        "service_tier": "flex",
        "user": "u-1",
    }
    assert {key: body[key] for key in expected} == expected
    for responses_only in ("previous_response_id", "conversation", "input", "text", "truncation"):
        assert responses_only not in body


async def test_chat_request_minimal(fake: FakeOpenAIServer, client: AsyncOpenAI):
    fake.enqueue(text_reply("hi"))
    request = ModelRequest(input=[{"role": "user", "content": "hi"}])
    await OpenAIChatCompletionsModel("llama3", client).get_response(request)
    # store defaults to True only against api.openai.com
    assert fake.last_request.body == {
        "model": "llama3",
        "messages": [{"role": "user", "content": "hi"}],
    }


async def test_chat_parses_output_and_usage(fake: FakeOpenAIServer, client: AsyncOpenAI):
    usage = TokenUsage(input_tokens=50, output_tokens=20, cached_tokens=32, reasoning_tokens=8)
    fake.enqueue(
        tool_call_reply(
            "get_weather", {"city": "Oslo"}, call_id="call_x", text="One moment.", usage=usage
        )
    )
    response = await OpenAIChatCompletionsModel("gpt-4o", client).get_response(full_request())

    message, call = response.output
    assert message["type"] == "message" and message["role"] == "assistant"
    assert message["content"] == [{"type": "output_text", "text": "One moment.", "annotations": []}]
    assert call["type"] == "function_call"
    assert (call["call_id"], call["name"]) == ("call_x", "get_weather")
    assert json.loads(call["arguments"]) == {"city": "Oslo"}
    assert response.response_id is None
    assert response.usage.requests == 1
    assert (
        response.usage.input_tokens,
        response.usage.output_tokens,
        response.usage.total_tokens,
    ) == (50, 20, 70)
    assert response.usage.input_tokens_details.cached_tokens == 32
    assert response.usage.output_tokens_details.reasoning_tokens == 8


async def test_chat_handoff_and_structured_output(fake: FakeOpenAIServer, client: AsyncOpenAI):
    fake.enqueue(handoff_reply("transfer_to_billing"), json_reply({"answer": "done"}))
    model = OpenAIChatCompletionsModel("gpt-4o", client)
    handoff = (await model.get_response(full_request())).output
    assert [(i["type"], i["name"]) for i in handoff] == [("function_call", "transfer_to_billing")]
    final = (await model.get_response(full_request())).output
    assert json.loads(final[0]["content"][0]["text"]) == {"answer": "done"}


async def test_chat_output_round_trips_as_input(fake: FakeOpenAIServer, client: AsyncOpenAI):
    """Chat output items are valid input for the next chat turn and for the Responses API."""
    fake.enqueue(tool_call_reply("get_weather", {"city": "Oslo"}, call_id="call_x", text="Hm."))
    model = OpenAIChatCompletionsModel("gpt-4o", client)
    output = (
        await model.get_response(ModelRequest(input=[{"role": "user", "content": "Oslo?"}]))
    ).output
    history = [
        {"role": "user", "content": "Oslo?"},
        *output,
        {"type": "function_call_output", "call_id": "call_x", "output": "cold"},
    ]
    assert items_to_messages(history)[1:] == [
        {
            "role": "assistant",
            "content": "Hm.",
            "tool_calls": [
                {
                    "id": "call_x",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_x", "content": "cold"},
    ]
    fake.enqueue(text_reply("Cold."))
    await OpenAIResponsesModel("gpt-4.1", client).get_response(ModelRequest(input=history))
    sent = fake.last_request.body["input"]
    assert all("provider_data" not in item and item.get("id") != FAKE_RESPONSES_ID for item in sent)
    assert [item.get("type", "message") for item in sent] == [
        "message",
        "message",
        "function_call",
        "function_call_output",
    ]


async def test_chat_reasoning_content_round_trips_for_deepseek(
    fake: FakeOpenAIServer, client: AsyncOpenAI
):
    fake.enqueue(Reply(reasoning="Need the weather.", tool_calls=(tool_call("get_weather"),)))
    model = OpenAIChatCompletionsModel("deepseek-reasoner", client)
    output = (await model.get_response(ModelRequest(input=[]))).output
    assert [item["type"] for item in output] == ["reasoning", "function_call"]
    assert output[0]["summary"][0]["text"] == "Need the weather."
    assistant = items_to_messages(output, model="deepseek-reasoner")[0]
    assert assistant["reasoning_content"] == "Need the weather."
    assert "reasoning_content" not in items_to_messages(output, model="gpt-4o")[0]


def test_chat_rejects_items_it_cannot_express():
    with pytest.raises(UserError):
        items_to_messages([{"type": "item_reference", "id": "x"}])
    with pytest.raises(UserError):
        items_to_messages([{"type": "mystery"}])


# --- errors -------------------------------------------------------------------------------------


async def call_and_classify(
    client: AsyncOpenAI, api: str = "responses"
) -> tuple[BaseException, ApplicationError]:
    model = (
        OpenAIResponsesModel("gpt-4.1", client)
        if api == "responses"
        else OpenAIChatCompletionsModel("gpt-4o", client)
    )
    with pytest.raises(Exception) as caught:
        await model.get_response(ModelRequest(input=[{"role": "user", "content": "hi"}]))
    return caught.value, model_error_to_application_error(caught.value)


@pytest.mark.parametrize("api", ["responses", "chat"])
async def test_rate_limit_is_retryable_after_retry_after(
    fake: FakeOpenAIServer, client: AsyncOpenAI, api: str
):
    fake.enqueue(rate_limit_reply(retry_after=2))
    exc, error = await call_and_classify(client, api)
    assert isinstance(exc, openai.RateLimitError)
    assert error.type == "ModelRateLimited"
    assert not error.non_retryable
    assert error.next_retry_delay == timedelta(seconds=2)
    assert "429" in error.message and "Rate limit reached" in error.message
    assert len(fake.requests) == 1  # the client does not retry; Temporal does


async def test_retry_after_ms_wins_and_is_capped():
    assert retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == timedelta(seconds=1.5)
    assert retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) is None  # in the past
    assert retry_after({"retry-after": "soon"}) is None
    assert retry_after({"retry-after": "86400"}) == timedelta(minutes=10)
    assert retry_after({}) is None


async def test_quota_exhausted_is_not_retryable(fake: FakeOpenAIServer, client: AsyncOpenAI):
    fake.enqueue(error_reply(429, "You exceeded your current quota", code="insufficient_quota"))
    _, error = await call_and_classify(client)
    assert error.type == "ModelQuotaExceeded" and error.non_retryable


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_errors_are_retryable(
    fake: FakeOpenAIServer, client: AsyncOpenAI, status: int
):
    fake.enqueue(server_error_reply(status))
    exc, error = await call_and_classify(client)
    assert isinstance(exc, openai.APIStatusError) and exc.status_code == status
    assert error.type == "ModelServerError" and not error.non_retryable
    assert str(status) in error.message


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, "ModelBadRequest"),
        (401, "ModelAuthenticationError"),
        (403, "ModelPermissionDenied"),
        (404, "ModelNotFound"),
        (422, "ModelUnprocessableEntity"),
    ],
)
async def test_client_errors_are_final(
    fake: FakeOpenAIServer, client: AsyncOpenAI, status: int, error_type: str
):
    fake.enqueue(error_reply(status, "Invalid schema for function 'get_weather'"))
    _, error = await call_and_classify(client, "chat")
    assert error.type == error_type and error.non_retryable
    assert f"HTTP {status}" in error.message
    assert "Invalid schema for function 'get_weather'" in error.message
    assert error.details[0]["status_code"] == status


async def test_timeout_is_retryable(fake: FakeOpenAIServer):
    fake.enqueue(slow_reply(text_reply("too late"), 3))
    async with AsyncOpenAI(
        api_key=SECRET, base_url=fake.base_url, max_retries=0, timeout=0.3
    ) as slow_client:
        exc, error = await call_and_classify(slow_client)
    assert isinstance(exc, openai.APITimeoutError)
    assert error.type == "ModelTimeout" and not error.non_retryable


async def test_connection_refused_is_retryable():
    with FakeOpenAIServer() as gone:
        base_url = gone.base_url
    async with AsyncOpenAI(
        api_key=SECRET, base_url=base_url, max_retries=0, timeout=2
    ) as dead_client:
        exc, error = await call_and_classify(dead_client)
    assert isinstance(exc, openai.APIConnectionError)
    assert error.type == "ModelConnectionError" and not error.non_retryable


@pytest.mark.parametrize("api", ["responses", "chat"])
@pytest.mark.parametrize(
    "body",
    [b'{"id": "resp_1", "output": [', b'{"id": "x", "output": "nope", "choices": 3}', b"[1, 2]"],
)
async def test_malformed_reply_is_a_behavior_error(
    fake: FakeOpenAIServer, client: AsyncOpenAI, api: str, body: bytes
):
    fake.enqueue(malformed_reply(body))
    exc, error = await call_and_classify(client, api)
    assert isinstance(exc, ModelBehaviorError)
    assert error.type == "ModelBehaviorError" and error.non_retryable


async def test_keys_never_appear_in_errors(
    fake: FakeOpenAIServer, client: AsyncOpenAI, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    fake.enqueue(error_reply(401, f"Incorrect API key provided: {SECRET}", code="invalid_api_key"))
    exc, error = await call_and_classify(client)
    assert SECRET in str(exc)  # the provider echoed it...
    assert SECRET not in error.message and SECRET not in json.dumps(error.details)  # ...we do not
    assert "check the API key" in error.message

    other = "gsk_live_abcdefghijklmnop"
    monkeypatch.setenv("DURABLE_AGENTS_PROVIDER_GROQ_API_KEY", other)
    leaked = model_error_to_application_error(RuntimeError(f"boom {other} Bearer abc.def-ghijklmn"))
    assert other not in leaked.message and "abc.def-ghijklmn" not in leaked.message
    assert leaked.type == "ModelError" and not leaked.non_retryable


def test_agents_errors_keep_their_type():
    error = model_error_to_application_error(UserError("bad item"))
    assert (error.type, error.message, error.non_retryable) == ("UserError", "bad item", True)
    passthrough = ApplicationError("as is", type="Custom")
    assert model_error_to_application_error(passthrough) is passthrough


# --- streaming ----------------------------------------------------------------------------------

STREAMED_REPLIES = {
    "text": text_reply(
        "It is sunny in Paris today, 21 degrees and a light breeze.",
        usage=TokenUsage(
            input_tokens=120, output_tokens=30, cached_tokens=100, reasoning_tokens=12
        ),
    ),
    "tool-calls": tool_calls_reply(
        tool_call("get_weather", {"city": "Paris"}, call_id="call_a"),
        tool_call("transfer_to_billing", call_id="call_b"),
        text="Let me check.",
    ),
    "structured": json_reply({"answer": "42, after a long and careful computation"}),
    "reasoning": text_reply("Sunny.", reasoning="The user wants the weather in Paris."),
}


def model_for(api: str, client: AsyncOpenAI) -> OpenAIResponsesModel | OpenAIChatCompletionsModel:
    if api == "responses":
        return OpenAIResponsesModel("gpt-4.1", client)
    return OpenAIChatCompletionsModel("gpt-4o", client)


async def stream(
    model: OpenAIResponsesModel | OpenAIChatCompletionsModel, request: ModelRequest
) -> tuple[list[TResponseStreamEvent], ModelResponse]:
    events: list[TResponseStreamEvent] = []
    response = await streamed_response(model, request, events.append)
    return events, response


async def test_chat_stream_without_usage_when_include_usage_is_false(
    fake: FakeOpenAIServer, client: AsyncOpenAI
):
    model = model_for("chat", client)
    fake.enqueue(text_reply("hi"))
    request = full_request(model_settings=ModelSettings(include_usage=False))
    _, response = await stream(model, request)
    assert "stream_options" not in fake.requests[0].body
    assert response.usage.total_tokens == 0


def deltas(events: list[TResponseStreamEvent], kind: str) -> dict[int, str]:
    """The deltas of one kind joined per output item."""
    joined: dict[int, str] = {}
    for event in events:
        if event["type"] == f"response.{kind}.delta":
            index = event["output_index"]
            joined[index] = joined.get(index, "") + event["delta"]
    return joined


@pytest.mark.parametrize("api", ["responses", "chat"])
@pytest.mark.parametrize("kind", list(STREAMED_REPLIES))
async def test_a_streamed_response_equals_the_plain_one(
    fake: FakeOpenAIServer, client: AsyncOpenAI, api: str, kind: str
):
    model = model_for(api, client)
    fake.restart_ids()
    fake.enqueue(STREAMED_REPLIES[kind])
    plain = await model.get_response(full_request())
    fake.restart_ids()
    fake.enqueue(STREAMED_REPLIES[kind])
    events, streamed = await stream(model, full_request())

    assert streamed == plain  # output items, usage and response id
    assert streamed.usage.requests == 1 and streamed.usage.total_tokens > 0
    plain_request, streamed_request = fake.requests
    extra = {"stream_options": {"include_usage": True}} if api == "chat" else {}
    assert streamed_request.body == {**plain_request.body, "stream": True, **extra}

    types = [event["type"] for event in events]
    assert types[0] == "response.created" and types[-1] == "response.completed"
    assert types.count("response.completed") == 1
    assert [event["sequence_number"] for event in events] == list(range(len(events)))
    done = [event for event in events if event["type"] == "response.output_item.done"]
    assert [event["item"] for event in done] == plain.output
    assert [event["output_index"] for event in done] == list(range(len(plain.output)))
    added = [event["output_index"] for event in events if event["type"].endswith("item.added")]
    assert added == list(range(len(plain.output)))
    texts = {
        index: item["content"][0]["text"]
        for index, item in enumerate(plain.output)
        if item["type"] == "message"
    }
    assert deltas(events, "output_text") == texts
    if kind in ("text", "structured"):
        assert types.count("response.output_text.delta") > 1  # token by token, not whole
    arguments = {
        index: item["arguments"]
        for index, item in enumerate(plain.output)
        if item["type"] == "function_call"
    }
    assert deltas(events, "function_call_arguments") == arguments
    if kind == "reasoning":
        summary = plain.output[0]["summary"][0]["text"]
        if api == "chat":  # the Responses fake sends no summary deltas, only the item
            assert deltas(events, "reasoning_summary_text") == {0: summary}


@pytest.mark.parametrize("api", ["responses", "chat"])
async def test_a_streamed_rate_limit_is_retryable_and_the_retry_streams(
    fake: FakeOpenAIServer, client: AsyncOpenAI, api: str
):
    model = model_for(api, client)
    fake.enqueue(rate_limit_reply(retry_after=2), text_reply("Sunny now."))
    with pytest.raises(openai.RateLimitError) as caught:
        await stream(model, full_request())
    error = model_error_to_application_error(caught.value)
    assert error.type == "ModelRateLimited" and not error.non_retryable
    assert error.next_retry_delay == timedelta(seconds=2)
    assert "HTTP 429" in error.message

    events, response = await stream(model, full_request())  # what Temporal's retry does
    assert response.output[0]["content"][0]["text"] == "Sunny now."
    assert deltas(events, "output_text") == {0: "Sunny now."}
    assert [r.stream for r in fake.requests] == [True, True]


@pytest.mark.parametrize("api", ["responses", "chat"])
async def test_a_streamed_bad_request_is_final(
    fake: FakeOpenAIServer, client: AsyncOpenAI, api: str
):
    fake.enqueue(bad_request_reply("Invalid schema for function 'get_weather'"))
    events: list[TResponseStreamEvent] = []
    with pytest.raises(openai.BadRequestError) as caught:
        await streamed_response(model_for(api, client), full_request(), events.append)
    error = model_error_to_application_error(caught.value)
    assert error.type == "ModelBadRequest" and error.non_retryable
    assert "HTTP 400: Invalid schema for function 'get_weather'" in error.message
    assert events == []


@pytest.mark.parametrize("api", ["responses", "chat"])
@pytest.mark.parametrize(
    ("error_kind", "code", "error_type", "retryable"),
    [
        ("server_error", "server_error", "ModelServerError", True),
        ("requests", "rate_limit_exceeded", "ModelRateLimited", True),
        ("insufficient_quota", "insufficient_quota", "ModelQuotaExceeded", False),
        ("invalid_request_error", "context_length_exceeded", "ModelBadRequest", False),
    ],
)
async def test_an_error_in_the_middle_of_a_stream_is_classified_by_its_code(
    fake: FakeOpenAIServer,
    client: AsyncOpenAI,
    api: str,
    error_kind: str,
    code: str,
    error_type: str,
    retryable: bool,
):
    # Responses: created, in_progress, item added, part added, first delta; chat: role, delta.
    after = 5 if api == "responses" else 2
    reply = failing_stream_reply(
        text_reply("It is sunny in Paris."), after=after, type=error_kind, code=code
    )
    fake.enqueue(reply)
    events: list[TResponseStreamEvent] = []
    with pytest.raises(openai.APIError) as caught:
        await streamed_response(model_for(api, client), full_request(), events.append)
    assert deltas(events, "output_text") == {0: "It is su"}  # what came before the error
    assert "response.completed" not in [event["type"] for event in events]
    error = model_error_to_application_error(caught.value)
    assert (error.type, error.non_retryable) == (error_type, not retryable)
    assert "while streaming: The server had an error" in error.message


async def test_a_failed_responses_stream_is_retryable(fake: FakeOpenAIServer, client: AsyncOpenAI):
    failed = {
        "type": "response.failed",
        "sequence_number": 1,
        "response": {
            "id": "resp_1",
            "status": "failed",
            "output": [],
            "error": {"code": "server_error", "message": "The model crashed."},
        },
    }
    created = {"type": "response.created", "sequence_number": 0, "response": {"id": "resp_1"}}
    body = b"".join(
        f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in (created, failed)
    )
    fake.enqueue(Reply(body=body, content_type="text/event-stream"))
    with pytest.raises(openai.APIError) as caught:
        await stream(model_for("responses", client), full_request())
    error = model_error_to_application_error(caught.value)
    assert error.type == "ModelServerError" and not error.non_retryable
    assert "The model crashed." in error.message


@pytest.mark.parametrize("api", ["responses", "chat"])
@pytest.mark.parametrize(
    "body",
    [
        b"data: {broken\n\n",
        b"data: [1, 2]\n\n",
        b'data: {"type": "response.created", "sequence_number": 0}\n\n',
    ],
    ids=["bad-json", "not-an-event", "no-final-response"],
)
async def test_a_malformed_stream_is_a_behavior_error(
    fake: FakeOpenAIServer, client: AsyncOpenAI, api: str, body: bytes
):
    fake.enqueue(Reply(body=body, content_type="text/event-stream"))
    with pytest.raises(Exception) as caught:
        await stream(model_for(api, client), full_request())
    error = model_error_to_application_error(caught.value)
    assert error.type == "ModelBehaviorError" and error.non_retryable, caught.value


# --- provider -----------------------------------------------------------------------------------


def env_for(fake: FakeOpenAIServer, **extra: str) -> dict[str, str]:
    return {"OPENAI_API_KEY": SECRET, "OPENAI_BASE_URL": fake.base_url, **extra}


@pytest.fixture
async def providers() -> AsyncIterator[Callable[[dict[str, str]], MultiProvider]]:
    """Builds `MultiProvider`s from an env mapping and closes their clients afterwards."""
    made: list[MultiProvider] = []

    def make(env: dict[str, str]) -> MultiProvider:
        made.append(MultiProvider(env=env))
        return made[-1]

    yield make
    for provider in made:
        await provider.aclose()


async def test_provider_defaults_to_responses(fake: FakeOpenAIServer, providers: Any):
    provider = providers(env_for(fake))
    model = provider.get_model(None)
    assert isinstance(model, OpenAIResponsesModel) and model.model == "gpt-4.1"
    fake.enqueue(text_reply("hi"))
    await model.get_response(ModelRequest(input=[{"role": "user", "content": "hi"}]))
    assert fake.last_request.path == "/v1/responses"
    assert fake.last_request.headers["authorization"] == f"Bearer {SECRET}"


async def test_provider_api_prefix_and_env(fake: FakeOpenAIServer, providers: Any):
    provider = providers(env_for(fake, OPENAI_DEFAULT_MODEL="GPT-5-mini"))
    chat = provider.get_model("chat:gpt-4o-mini")
    assert isinstance(chat, OpenAIChatCompletionsModel) and chat.model == "gpt-4o-mini"
    fake.enqueue(text_reply("hi"))
    await chat.get_response(ModelRequest(input=[{"role": "user", "content": "hi"}]))
    assert fake.last_request.path == "/v1/chat/completions"
    assert fake.last_request.body["model"] == "gpt-4o-mini"
    assert provider.get_model(None).model == "gpt-5-mini"  # type: ignore[attr-defined]
    assert isinstance(provider.get_model("openai/gpt-4.1"), OpenAIResponsesModel)

    chat_first = MultiProvider(env=env_for(fake, DURABLE_AGENTS_OPENAI_API="chat"))
    assert isinstance(chat_first.get_model("gpt-4.1"), OpenAIChatCompletionsModel)
    assert isinstance(chat_first.get_model("responses:gpt-4.1"), OpenAIResponsesModel)


async def test_provider_prefix_routes_to_its_own_endpoint(fake: FakeOpenAIServer, providers: Any):
    with FakeOpenAIServer(responder=text_reply("from ollama")) as ollama:
        env = env_for(fake, DURABLE_AGENTS_PROVIDER_OLLAMA_BASE_URL=ollama.base_url)
        provider = providers(env)
        model = provider.get_model("ollama/llama3:8b")
        assert isinstance(model, OpenAIChatCompletionsModel) and model.model == "llama3:8b"
        response = await model.get_response(ModelRequest(input=[{"role": "user", "content": "hi"}]))
        assert response.output[0]["content"][0]["text"] == "from ollama"
        assert ollama.last_request.path == "/v1/chat/completions"
        assert SECRET not in ollama.last_request.headers.get("authorization", "")
        assert fake.requests == []
        assert isinstance(provider.get_model("responses:ollama/qwen3"), OpenAIResponsesModel)

    env = env_for(
        fake,
        DURABLE_AGENTS_PROVIDER_MY_GATEWAY_BASE_URL="http://gateway.invalid/v1",
        DURABLE_AGENTS_PROVIDER_MY_GATEWAY_API_KEY="gw-key-123456789",
        DURABLE_AGENTS_PROVIDER_MY_GATEWAY_API="responses",
    )
    gateway = MultiProvider(env=env).get_model("my-gateway/meta/llama-4")
    assert isinstance(gateway, OpenAIResponsesModel) and gateway.model == "meta/llama-4"


def test_provider_caches_one_client_per_provider(fake: FakeOpenAIServer):
    env = env_for(fake, DURABLE_AGENTS_PROVIDER_OLLAMA_BASE_URL="http://127.0.0.1:1/v1")
    provider = MultiProvider(env=env)
    a, b = provider.get_model("gpt-4.1"), provider.get_model("chat:gpt-4o")
    c, d = provider.get_model("ollama/llama3"), provider.get_model("ollama/qwen3")
    assert a._client is b._client and c._client is d._client and a._client is not c._client
    assert a._client.max_retries == 0 and c._client.max_retries == 0
    assert a._client.timeout == 300


async def test_provider_aclose_closes_its_clients(fake: FakeOpenAIServer):
    provider = MultiProvider(env=env_for(fake))
    client = provider.get_model("gpt-4.1")._client  # type: ignore[attr-defined]
    await provider.aclose()
    assert client.is_closed()


def test_provider_configuration_errors_are_clear(fake: FakeOpenAIServer):
    with pytest.raises(MissingAPIKeyError) as missing:
        MultiProvider(env={}).get_model("gpt-4.1")
    assert "OPENAI_API_KEY" in str(missing.value)

    with pytest.raises(UserError, match="DURABLE_AGENTS_PROVIDER_MISTRAL_BASE_URL"):
        MultiProvider(env=env_for(fake)).get_model("mistral/mistral-large")

    with pytest.raises(UserError, match="DURABLE_AGENTS_OPENAI_API"):
        MultiProvider(env=env_for(fake, DURABLE_AGENTS_OPENAI_API="grpc"))

    with pytest.raises(UserError, match="DURABLE_AGENTS_MODEL_TIMEOUT"):
        MultiProvider(env=env_for(fake, DURABLE_AGENTS_MODEL_TIMEOUT="soon"))

    provider = OpenAIProvider(api_key=SECRET)
    assert SECRET not in repr(provider) and SECRET not in str(vars(provider).get("name"))


@pytest.fixture
def program_defaults(monkeypatch: pytest.MonkeyPatch) -> Any:
    """`durable_agents.openai_defaults`, its settings restored after the test."""
    from durable_agents import openai_defaults

    for name in ("_key", "_client", "_api", "_tracing_key"):
        monkeypatch.setattr(openai_defaults, name, None)
    return openai_defaults


HI = ModelRequest(input=[{"role": "user", "content": "hi"}])


async def test_set_default_openai_key_is_the_key_sent(
    fake: FakeOpenAIServer, providers: Any, program_defaults: Any
):
    """Before `OPENAI_API_KEY`, and read when a model is resolved: set after the provider (and
    its first client) exists, it takes effect for the next model; one client per key."""
    provider = providers(env_for(fake))
    fake.enqueue(text_reply("one"), text_reply("two"), text_reply("three"))
    first = provider.get_model("gpt-4.1")
    await first.get_response(HI)
    assert fake.last_request.headers["authorization"] == f"Bearer {SECRET}"

    program_defaults.set_default_openai_key("sk-program-key-0123456789")
    second = provider.get_model("gpt-4.1")
    await second.get_response(HI)
    assert fake.last_request.headers["authorization"] == "Bearer sk-program-key-0123456789"
    assert second._client is not first._client  # type: ignore[attr-defined]
    assert provider.get_model("chat:gpt-4o")._client is second._client  # type: ignore[attr-defined]
    assert second._client.max_retries == 0  # type: ignore[attr-defined]

    # A key given to the provider itself still comes first.
    explicit = OpenAIProvider(api_key="sk-explicit-0123456789", base_url=fake.base_url)
    await explicit.get_model("gpt-4.1").get_response(HI)
    assert fake.last_request.headers["authorization"] == "Bearer sk-explicit-0123456789"
    await explicit.aclose()

    # With no key in the environment at all, the program's is enough.
    keyless = providers({"OPENAI_BASE_URL": fake.base_url})
    assert keyless.get_model("gpt-4.1")._client.api_key == "sk-program-key-0123456789"  # type: ignore[attr-defined]


async def test_set_default_openai_api_chooses_the_endpoint(
    fake: FakeOpenAIServer, providers: Any, program_defaults: Any
):
    provider = providers(env_for(fake))
    assert isinstance(provider.get_model("gpt-4.1"), OpenAIResponsesModel)
    program_defaults.set_default_openai_api("chat_completions")
    model = provider.get_model("gpt-4.1")
    assert isinstance(model, OpenAIChatCompletionsModel)
    fake.enqueue(text_reply("hi"))
    await model.get_response(HI)
    assert fake.last_request.path == "/v1/chat/completions"
    assert isinstance(provider.get_model("responses:gpt-4.1"), OpenAIResponsesModel)

    # Before DURABLE_AGENTS_OPENAI_API, both ways.
    program_defaults.set_default_openai_api("responses")
    chat_env = providers(env_for(fake, DURABLE_AGENTS_OPENAI_API="chat"))
    assert isinstance(chat_env.get_model("gpt-4.1"), OpenAIResponsesModel)


async def test_set_default_openai_client_is_the_client_used(
    fake: FakeOpenAIServer, providers: Any, program_defaults: Any
):
    """The program's client (its base URL, its key) in place of the environment's, copied with
    the client's retries off and the provider's timeout; one copy per client given."""
    provider = providers(env_for(fake))
    with FakeOpenAIServer(responder=text_reply("from the program's server")) as own:
        given = AsyncOpenAI(api_key="sk-program-client-0123456789", base_url=own.base_url)
        program_defaults.set_default_openai_client(given)
        model = provider.get_model("gpt-4.1")
        response = await model.get_response(HI)
        assert response.output[0]["content"][0]["text"] == "from the program's server"
        assert own.last_request.path == "/v1/responses"
        assert own.last_request.headers["authorization"] == "Bearer sk-program-client-0123456789"
        assert fake.requests == []
        client = model._client  # type: ignore[attr-defined]
        assert str(client.base_url) == str(given.base_url)
        assert client.max_retries == 0 and client.timeout == 300 and given.max_retries == 2
        assert provider.get_model("chat:gpt-4o")._client is client  # type: ignore[attr-defined]
        assert provider.openai_provider.base_url == str(given.base_url)  # type: ignore[attr-defined]

        # Providers configured for another prefix keep their own endpoint.
        env = env_for(fake, DURABLE_AGENTS_PROVIDER_OLLAMA_BASE_URL=fake.base_url)
        ollama = providers(env).get_model("ollama/llama3")
        assert str(ollama._client.base_url) == str(fake.base_url) + "/"  # type: ignore[attr-defined]

        await provider.aclose()
        assert not given.is_closed()  # its pool is the program's
        await given.close()


async def test_openai_provider_takes_the_reference_arguments(
    fake: FakeOpenAIServer, program_defaults: Any
):
    """`api_key`, `base_url`, `organization`, `project`, `use_responses`, `openai_client`:
    each reaches the call. Given here, they come before the environment and the program's
    defaults (its client included)."""
    program_defaults.set_default_openai_client(
        AsyncOpenAI(api_key="x", base_url="http://x.invalid")
    )
    program_defaults.set_default_openai_api("responses")
    provider = OpenAIProvider(
        api_key="sk-arg-key-0123456789",
        base_url=fake.base_url,
        organization="org-arg",
        project="proj-arg",
        use_responses=False,
        env={"OPENAI_API_KEY": SECRET, "DURABLE_AGENTS_OPENAI_API": "responses"},
    )
    model = provider.get_model("gpt-4o")
    assert isinstance(model, OpenAIChatCompletionsModel)
    fake.enqueue(text_reply("hi"))
    await model.get_response(HI)
    headers = fake.last_request.headers
    assert fake.last_request.path == "/v1/chat/completions"
    assert headers["authorization"] == "Bearer sk-arg-key-0123456789"
    assert (headers["openai-organization"], headers["openai-project"]) == ("org-arg", "proj-arg")
    await provider.aclose()

    env = env_for(fake, DURABLE_AGENTS_OPENAI_API="chat")
    assert isinstance(
        OpenAIProvider(use_responses=True, env=env).get_model("gpt-4.1"), OpenAIResponsesModel
    )
    with pytest.raises(UserError, match="contradicts"):
        OpenAIProvider(use_responses=True, api="chat")

    given = AsyncOpenAI(api_key="sk-given-0123456789", base_url=fake.base_url)
    with_client = OpenAIProvider(openai_client=given, env={})
    fake.enqueue(text_reply("hi"))
    await with_client.get_model("gpt-4.1").get_response(HI)
    assert fake.last_request.headers["authorization"] == "Bearer sk-given-0123456789"
    assert with_client.client().max_retries == 0 and with_client.client().timeout == 300
    with pytest.raises(UserError, match="Don't provide api_key or base_url"):
        OpenAIProvider(openai_client=given, api_key="k")
    await given.close()


async def test_multi_provider_takes_the_reference_arguments(
    fake: FakeOpenAIServer, providers: Any, program_defaults: Any
):
    provider = MultiProvider(
        openai_api_key="sk-multi-0123456789",
        openai_base_url=fake.base_url,
        openai_organization="org-m",
        openai_project="proj-m",
        openai_use_responses=False,
        env={},
    )
    model = provider.get_model("openai/gpt-4o")
    assert isinstance(model, OpenAIChatCompletionsModel) and model.model == "gpt-4o"
    fake.enqueue(text_reply("hi"))
    await model.get_response(HI)
    headers = fake.last_request.headers
    assert headers["authorization"] == "Bearer sk-multi-0123456789"
    assert (headers["openai-organization"], headers["openai-project"]) == ("org-m", "proj-m")
    assert isinstance(provider.openai_provider, OpenAIProvider)
    await provider.aclose()

    given = AsyncOpenAI(api_key="sk-multi-client-0123456789", base_url=fake.base_url)
    fake.enqueue(text_reply("hi"))
    await MultiProvider(openai_client=given, env={}).get_model("gpt-4.1").get_response(HI)
    assert fake.last_request.headers["authorization"] == "Bearer sk-multi-client-0123456789"
    await given.close()

    with pytest.raises(UserError, match="openai_api_key"):
        MultiProvider(openai_provider=OpenAIProvider(env={}), openai_api_key="k")


def test_multi_provider_map_comes_first(fake: FakeOpenAIServer):
    class Named(ModelProvider):
        def __init__(self, label: str) -> None:
            self.label, self.asked = label, []

        def get_model(self, model_name: str | None) -> Model:
            self.asked.append(model_name)
            return ScriptedModel([self.label])

    mine, theirs = Named("mine"), Named("theirs")
    provider_map = MultiProviderMap()
    provider_map.add_provider("custom", mine)
    provider = MultiProvider(provider_map=provider_map, env=env_for(fake))
    provider.get_model("custom/some/model")
    assert mine.asked == ["some/model"] and provider_map.has_prefix("custom")

    provider_map.add_provider("openai", theirs)  # after the fact, and over the OpenAI prefix
    provider.get_model("openai/gpt-4.1")
    assert theirs.asked == ["gpt-4.1"]
    assert isinstance(provider.get_model("gpt-4.1"), OpenAIResponsesModel)  # no prefix: OpenAI
    assert provider_map.get_mapping() == {"custom": mine, "openai": theirs}
    provider_map.remove_provider("openai")
    provider_map.set_mapping({})
    assert provider_map.get_provider("custom") is None
    with pytest.raises(UserError, match="DURABLE_AGENTS_PROVIDER_CUSTOM_BASE_URL"):
        provider.get_model("custom/some/model")


# --- the fake server itself ---------------------------------------------------------------------


async def test_fake_server_streams_both_apis(fake: FakeOpenAIServer, client: AsyncOpenAI):
    fake.enqueue(tool_call_reply("get_weather", {"city": "Paris"}, text="Looking it up for you."))
    stream = await client.responses.create(model="gpt-4.1", input="hi", stream=True)
    events = [event async for event in stream]
    assert events[0].type == "response.created"
    completed = events[-1]
    assert completed.type == "response.completed"
    assert completed.response.output_text == "Looking it up for you."
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert deltas == "Looking it up for you."

    fake.enqueue(tool_call_reply("get_weather", {"city": "Rome"}, text="Sure."))
    chunks = await client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": "hi"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    text, calls, usage = "", [], None
    async for chunk in chunks:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
            calls += chunk.choices[0].delta.tool_calls or []
        usage = chunk.usage or usage
    assert text == "Sure."
    assert [c.function.name for c in calls] == ["get_weather"]
    assert usage is not None and usage.total_tokens == 15
    assert all(r.stream for r in fake.requests)


async def test_fake_server_handles_concurrent_requests(fake: FakeOpenAIServer, client: AsyncOpenAI):
    def echo(request: RecordedRequest) -> Any:
        return text_reply(f"echo {request.body['input'][0]['content']}")

    fake.responder = echo
    try:
        model = OpenAIResponsesModel("gpt-4.1", client)
        replies = await asyncio.gather(
            *(
                model.get_response(ModelRequest(input=[{"role": "user", "content": str(i)}]))
                for i in range(25)
            )
        )
    finally:
        fake.responder = None
    assert [r.output[0]["content"][0]["text"] for r in replies] == [f"echo {i}" for i in range(25)]
    assert len(fake.requests) == 25


async def test_fake_server_fails_fast_when_unscripted(fake: FakeOpenAIServer, client: AsyncOpenAI):
    _, error = await call_and_classify(client)
    assert error.non_retryable and "no scripted reply" in error.message
    fake.enqueue(bad_request_reply("nope"))
    assert fake.pending == 1

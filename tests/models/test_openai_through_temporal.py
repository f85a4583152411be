"""Issue 4 end to end: agent runs on a real Temporal dev server whose agents name their model by
string (`model="scripted-3"`), resolved by a `MultiProvider` configured from an environment that
points at a scripted OpenAI-compatible server on loopback. Every model call goes through the real
`openai` client, so auth, serialisation, error mapping and parsing are the production ones.

A run started with `stream_raw_events` (as `AgentClient.run_streamed` does) streams: SSE for both
APIs, the events reaching the run's stream as `raw_response_event`s.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionToolCall,
    ResponseTextDeltaEvent,
)
from pydantic import BaseModel
from temporalio.client import WorkflowFailureError, WorkflowHandle
from temporalio.exceptions import ApplicationError, FailureError

from client import AgentClient
from durable_agents import (
    Agent,
    AgentRegistry,
    ModelSettings,
    RawResponsesStreamEvent,
    Reasoning,
    RunConfig,
    RunFailedError,
    RunItemStreamEvent,
    RunResult,
    StreamEvent,
    function_tool,
)
from tests.support.fake_openai import (
    FakeOpenAIServer,
    RecordedRequest,
    Reply,
    TokenUsage,
    error_reply,
    failing_stream_reply,
    handoff_reply,
    json_reply,
    malformed_reply,
    rate_limit_reply,
    server_error_reply,
    slow_reply,
    text_reply,
    tool_call_reply,
)

from .conftest import SECRET

LOCAL_KEY = "local-key-0123456789"
"""A second provider's key, deliberately not shaped like an OpenAI key."""

USER = {"role": "user", "content": "weather in Oslo?"}


@function_tool
def get_weather(city: str) -> str:
    """Current weather for a city.

    Args:
        city: The city name.
    """
    return f"sunny in {city}"


class Weather(BaseModel):
    city: str
    temp_c: int


def weather_agent(model: str = "scripted-3", name: str = "weather", **kwargs: Any) -> Agent[Any]:
    return Agent(
        name=name,
        instructions="Answer weather questions.",
        tools=[get_weather],
        model=model,
        **kwargs,
    )


def tool_output(call_id: str = "c1", output: str = "sunny in Oslo") -> dict[str, Any]:
    return {"type": "function_call_output", "call_id": call_id, "output": output}


def weather_turns(**usage: TokenUsage) -> tuple[Reply, Reply]:
    """Turn 1 calls `get_weather`, turn 2 answers."""
    return (
        tool_call_reply("get_weather", {"city": "Oslo"}, call_id="c1", usage=usage.get("first")),
        text_reply("It is sunny in Oslo.", usage=usage.get("second")),
    )


class Timed:
    """A responder that serves `replies` in order and notes when each request arrived, so
    tests can see the waits Temporal put between attempts."""

    def __init__(self, *replies: Reply) -> None:
        self._replies = list(replies)
        self._lock = threading.Lock()
        self.times: list[float] = []

    def __call__(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self.times.append(time.monotonic())
            if not self._replies:
                return error_reply(400, "Timed: no scripted reply left")
            return self._replies.pop(0)

    @property
    def gaps(self) -> list[float]:
        return [b - a for a, b in zip(self.times, self.times[1:], strict=False)]


async def run_on(
    harness_for: Any, provider: Any, agents: list[Agent[Any]], input: Any = "weather in Oslo?", **kw
) -> tuple[RunResult, WorkflowHandle[Any, RunResult]]:
    async with harness_for(AgentRegistry(agents), model_provider=provider) as h:
        handle = await h.start(agents[0].name, input, **kw)
        return await handle.result(), handle


async def fail_on(
    harness_for: Any, provider: Any, agents: list[Agent[Any]], input: Any = "weather in Oslo?", **kw
) -> tuple[ApplicationError, WorkflowHandle[Any, RunResult]]:
    async with harness_for(AgentRegistry(agents), model_provider=provider) as h:
        handle = await h.start(agents[0].name, input, **kw)
        with pytest.raises(WorkflowFailureError) as info:
            await handle.result()
    cause = info.value.cause
    assert isinstance(cause, ApplicationError), cause
    return cause, handle


def failure_texts(error: BaseException | None) -> Iterator[str]:
    """Messages, details and stack traces along a failure's cause chain."""
    while error is not None:
        yield str(error)
        if isinstance(error, ApplicationError):
            yield json.dumps(list(error.details), default=str)
        if isinstance(error, FailureError) and error.failure is not None:
            yield error.failure.stack_trace
        error = error.__cause__


async def history_texts(handle: WorkflowHandle[Any, Any]) -> tuple[str, bytes]:
    """The run's history as JSON and as raw protobuf bytes (payloads are base64 in the JSON)."""
    history = await handle.fetch_history()
    return history.to_json(), b"".join(event.SerializeToString() for event in history.events)


async def model_attempts(handle: WorkflowHandle[Any, Any]) -> list[tuple[int, str, str]]:
    """Per model activity: (attempts, type, message) of the failure before the last attempt,
    as Temporal recorded it (retries add no events; the started event keeps the last failure)."""
    history = await handle.fetch_history()
    model_events = set()
    attempts = []
    for event in history.events:
        scheduled = event.activity_task_scheduled_event_attributes
        if scheduled.activity_type.name == "agents.model_turn":
            model_events.add(event.event_id)
        started = event.activity_task_started_event_attributes
        if event.HasField("activity_task_started_event_attributes") and (
            started.scheduled_event_id in model_events
        ):
            failure = started.last_failure
            attempts.append(
                (started.attempt, failure.application_failure_info.type, failure.message)
            )
    return attempts


def broken_connection_reply() -> Reply:
    """Promises more bytes than it sends: the client sees the connection break mid-reply."""
    return Reply(body=b"{", headers={"content-length": "100"})


def assert_no_client_retries(fake: FakeOpenAIServer) -> None:
    """The openai client counts its own retries in this header; Temporal's attempts are each a
    fresh first try."""
    for request in fake.requests:
        assert request.headers.get("x-stainless-retry-count") == "0", request.headers


# --- both APIs, tools, handoffs --------------------------------------------------------------


async def test_responses_api_by_default_with_a_tool_calling_run(harness_for, fake, provider_for):
    fake.enqueue(*weather_turns())
    result, _ = await run_on(harness_for, provider_for(fake), [weather_agent()])

    assert result.final_output == "It is sunny in Oslo."
    assert result.current_turn == 2
    first, second = fake.requests
    assert first.path == second.path == "/v1/responses"
    assert first.headers["authorization"] == f"Bearer {SECRET}"
    assert first.body["model"] == "scripted-3"
    assert first.body["instructions"] == "Answer weather questions."
    assert first.body["input"] == [USER]
    [tool] = first.body["tools"]
    assert tool["type"] == "function" and tool["name"] == "get_weather" and tool["strict"]
    assert tool["parameters"]["required"] == ["city"]
    assert tool["parameters"]["additionalProperties"] is False
    # Turn 2 carries the whole conversation: input, the model's call and the tool's output.
    call = second.body["input"][1]
    assert second.body["input"] == [USER, call, tool_output()]
    assert (call["type"], call["call_id"], call["name"]) == ("function_call", "c1", "get_weather")
    assert json.loads(call["arguments"]) == {"city": "Oslo"}
    assert_no_client_retries(fake)


async def test_chat_prefix_uses_chat_completions(harness_for, fake, provider_for):
    fake.enqueue(*weather_turns())
    result, _ = await run_on(harness_for, provider_for(fake), [weather_agent("chat:scripted-3")])

    assert result.final_output == "It is sunny in Oslo."
    first, second = fake.requests
    assert first.path == second.path == "/v1/chat/completions"
    assert first.body["model"] == "scripted-3"
    assert first.body["messages"] == [
        {"role": "system", "content": "Answer weather questions."},
        {"role": "user", "content": "weather in Oslo?"},
    ]
    [tool] = first.body["tools"]
    assert tool["function"]["name"] == "get_weather" and tool["function"]["strict"]
    system, user, assistant, tool_message = second.body["messages"]
    assert assistant["role"] == "assistant"
    [call] = assistant["tool_calls"]
    assert call["id"] == "c1" and call["function"]["name"] == "get_weather"
    assert json.loads(call["function"]["arguments"]) == {"city": "Oslo"}
    assert tool_message == {"role": "tool", "tool_call_id": "c1", "content": "sunny in Oslo"}
    assert_no_client_retries(fake)


async def test_responses_prefix_overrides_a_chat_default(harness_for, fake, provider_for):
    fake.enqueue(text_reply("hi"))
    provider = provider_for(fake, DURABLE_AGENTS_OPENAI_API="chat")
    result, _ = await run_on(harness_for, provider, [weather_agent("responses:scripted-3")])
    assert result.final_output == "hi"
    assert fake.last_request.path == "/v1/responses"


async def test_run_config_model_overrides_the_agents_model(harness_for, fake, provider_for):
    fake.enqueue(text_reply("hi"))
    run_config = RunConfig(model="chat:other-model")
    result, _ = await run_on(
        harness_for, provider_for(fake), [weather_agent()], run_config=run_config
    )
    assert result.final_output == "hi"
    assert fake.last_request.path == "/v1/chat/completions"
    assert fake.last_request.body["model"] == "other-model"


async def test_named_provider_has_its_own_endpoint_and_key(harness_for, fake, provider_for):
    """`local/scripted-3` goes to DURABLE_AGENTS_PROVIDER_LOCAL_*: Chat Completions by default.
    The run hands off from an OpenAI (Responses) agent to it, so the conversation crosses APIs."""
    with FakeOpenAIServer() as local:
        fake.enqueue(handoff_reply("transfer_to_billing"))
        local.enqueue(tool_call_reply("get_weather", {"city": "Oslo"}, call_id="c1"))
        local.enqueue(text_reply("Billing here: sunny in Oslo."))
        provider = provider_for(
            fake,
            DURABLE_AGENTS_PROVIDER_LOCAL_BASE_URL=local.base_url,
            DURABLE_AGENTS_PROVIDER_LOCAL_API_KEY=LOCAL_KEY,
        )
        billing = weather_agent("local/scripted-3", name="billing")
        triage = Agent(name="triage", instructions="Route.", handoffs=[billing], model="scripted-3")
        result, _ = await run_on(harness_for, provider, [triage])

    assert result.final_output == "Billing here: sunny in Oslo."
    assert result.last_agent_name == "billing"
    [triage_request] = fake.requests
    assert triage_request.path == "/v1/responses"
    assert triage_request.body["tools"][0]["name"] == "transfer_to_billing"
    assert [r.path for r in local.requests] == ["/v1/chat/completions"] * 2
    for request in local.requests:
        assert request.headers["authorization"] == f"Bearer {LOCAL_KEY}"
        assert request.body["model"] == "scripted-3"
        assert request.body["messages"][0] == {
            "role": "system",
            "content": "Answer weather questions.",
        }
    # The last request has the Responses-made history converted to chat messages.
    roles = [m["role"] for m in local.requests[-1].body["messages"]]
    assert roles[-2:] == ["assistant", "tool"]
    assert_no_client_retries(local)


@pytest.mark.parametrize("model", ["scripted-3", "chat:scripted-3"])
async def test_handoff_switches_agent_instructions_and_tools(
    harness_for, fake, provider_for, model
):
    fake.enqueue(handoff_reply("transfer_to_weather"), text_reply("Sunny."))
    weather = weather_agent(model)
    triage = Agent(name="triage", instructions="Route.", handoffs=[weather], model=model)
    result, _ = await run_on(harness_for, provider_for(fake), [triage])

    assert result.final_output == "Sunny."
    assert result.last_agent_name == "weather"
    assert [i.type for i in result.new_items] == [
        "handoff_call_item",
        "handoff_output_item",
        "message_output_item",
    ]
    first, second = fake.requests
    if model == "scripted-3":
        assert first.body["tools"][0]["name"] == "transfer_to_weather"
        assert second.body["instructions"] == "Answer weather questions."
        assert [t["name"] for t in second.body["tools"]] == ["get_weather"]
    else:
        assert first.body["tools"][0]["function"]["name"] == "transfer_to_weather"
        assert second.body["messages"][0]["content"] == "Answer weather questions."
        assert [t["function"]["name"] for t in second.body["tools"]] == ["get_weather"]


# --- structured output, settings, usage ---------------------------------------------------------


@pytest.mark.parametrize("model", ["scripted-3", "chat:scripted-3"])
async def test_structured_output(harness_for, fake, provider_for, model):
    fake.enqueue(json_reply({"city": "Oslo", "temp_c": 3}))
    agent = weather_agent(model, output_type=Weather)
    result, _ = await run_on(harness_for, provider_for(fake), [agent])

    assert result.final_output_as(Weather) == Weather(city="Oslo", temp_c=3)
    body = fake.last_request.body
    if model == "scripted-3":
        fmt = body["text"]["format"]
        assert (fmt["type"], fmt["name"], fmt["strict"]) == ("json_schema", "final_output", True)
        schema = fmt["schema"]
    else:
        fmt = body["response_format"]
        assert fmt["type"] == "json_schema"
        assert (fmt["json_schema"]["name"], fmt["json_schema"]["strict"]) == ("final_output", True)
        schema = fmt["json_schema"]["schema"]
    assert set(schema["properties"]) == {"city", "temp_c"}
    assert schema["additionalProperties"] is False


AGENT_SETTINGS = ModelSettings(
    temperature=0.2,
    top_p=0.9,
    max_tokens=256,
    tool_choice="get_weather",
    parallel_tool_calls=True,
    truncation="auto",
    reasoning=Reasoning(effort="low", summary="auto"),
    metadata={"team": "qa"},
    store=False,
    extra_headers={"X-Trace": "trace-1"},
    extra_query={"api-version": "2025-01-01"},
    extra_body={"service_tier": "flex"},
    extra_args={"user": "user-1"},
    verbosity="low",
)
RUN_SETTINGS = ModelSettings(temperature=0.7)
"""Run-level settings win over the agent's where set."""


async def test_model_settings_reach_the_responses_request(harness_for, fake, provider_for):
    fake.enqueue(text_reply("ok"))
    agent = weather_agent(model_settings=AGENT_SETTINGS)
    run_config = RunConfig(model_settings=RUN_SETTINGS)
    await run_on(harness_for, provider_for(fake), [agent], run_config=run_config)

    request = fake.last_request
    body = request.body
    assert body["temperature"] == 0.7
    assert body["top_p"] == 0.9
    assert body["max_output_tokens"] == 256
    assert body["tool_choice"] == {"type": "function", "name": "get_weather"}
    assert body["parallel_tool_calls"] is True
    assert body["truncation"] == "auto"
    assert body["reasoning"] == {"effort": "low", "summary": "auto"}
    assert body["metadata"] == {"team": "qa"}
    assert body["store"] is False
    assert body["service_tier"] == "flex"
    assert body["user"] == "user-1"
    assert body["text"] == {"verbosity": "low"}
    assert request.headers["x-trace"] == "trace-1"
    assert request.query == {"api-version": "2025-01-01"}


async def test_model_settings_reach_the_chat_request(harness_for, fake, provider_for):
    fake.enqueue(text_reply("ok"))
    agent = weather_agent("chat:scripted-3", model_settings=AGENT_SETTINGS)
    run_config = RunConfig(model_settings=RUN_SETTINGS)
    await run_on(harness_for, provider_for(fake), [agent], run_config=run_config)

    request = fake.last_request
    body = request.body
    assert body["temperature"] == 0.7
    assert body["top_p"] == 0.9
    assert body["max_tokens"] == 256
    assert body["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}
    assert body["parallel_tool_calls"] is True
    assert body["reasoning_effort"] == "low"
    assert body["metadata"] == {"team": "qa"}
    assert body["store"] is False
    assert body["service_tier"] == "flex"
    assert body["user"] == "user-1"
    assert body["verbosity"] == "low"
    assert request.headers["x-trace"] == "trace-1"
    assert request.query == {"api-version": "2025-01-01"}


@pytest.mark.parametrize("model", ["scripted-3", "chat:scripted-3"])
async def test_usage_is_summed_and_response_ids_are_kept(harness_for, fake, provider_for, model):
    fake.enqueue(
        *weather_turns(
            first=TokenUsage(
                input_tokens=100, output_tokens=20, cached_tokens=30, reasoning_tokens=7
            ),
            second=TokenUsage(
                input_tokens=50, output_tokens=10, cached_tokens=5, reasoning_tokens=3
            ),
        )
    )
    result, _ = await run_on(harness_for, provider_for(fake), [weather_agent(model)])

    usage = result.usage
    assert usage.requests == 2
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens) == (150, 30, 180)
    assert usage.input_tokens_details.cached_tokens == 35
    assert usage.output_tokens_details.reasoning_tokens == 10
    entries = usage.request_usage_entries
    assert [(e.input_tokens, e.input_tokens_details.cached_tokens) for e in entries] == [
        (100, 30),
        (50, 5),
    ]
    assert [e.output_tokens_details.reasoning_tokens for e in entries] == [7, 3]
    ids = [r.response_id for r in result.raw_responses]
    if model == "scripted-3":
        assert len(ids) == 2 and len(set(ids)) == 2
        assert all(isinstance(i, str) and i.startswith("resp_") for i in ids)
        assert result.last_response_id == ids[-1]
    else:
        assert ids == [None, None]  # Chat Completions ids are not response ids (as the reference)


# --- server-managed conversations -----------------------------------------------------------


async def test_previous_response_id_sends_only_unseen_items(harness_for, fake, provider_for):
    fake.enqueue(*weather_turns())
    result, _ = await run_on(
        harness_for, provider_for(fake), [weather_agent()], previous_response_id="resp_earlier"
    )

    assert result.final_output == "It is sunny in Oslo."
    first, second = fake.requests
    assert first.body["previous_response_id"] == "resp_earlier"
    assert first.body["input"] == [USER]
    assert second.body["previous_response_id"] == result.raw_responses[0].response_id
    assert second.body["input"] == [tool_output()]
    assert "conversation" not in first.body and "conversation" not in second.body


async def test_auto_previous_response_id_chains_responses(harness_for, fake, provider_for):
    fake.enqueue(handoff_reply("transfer_to_weather"), *weather_turns())
    weather = weather_agent()
    triage = Agent(name="triage", instructions="Route.", handoffs=[weather], model="scripted-3")
    result, _ = await run_on(
        harness_for, provider_for(fake), [triage], auto_previous_response_id=True
    )

    assert result.final_output == "It is sunny in Oslo."
    first, second, third = fake.requests
    ids = [r.response_id for r in result.raw_responses]
    assert "previous_response_id" not in first.body
    assert first.body["input"] == [USER]
    # After the handoff: only the handoff's output, chained to turn 1.
    assert second.body["previous_response_id"] == ids[0]
    [handoff_output] = second.body["input"]
    assert handoff_output["type"] == "function_call_output"
    assert second.body["instructions"] == "Answer weather questions."
    assert third.body["previous_response_id"] == ids[1]
    assert third.body["input"] == [tool_output()]


async def test_conversation_id_sends_only_unseen_items(harness_for, fake, provider_for):
    fake.enqueue(*weather_turns())
    result, _ = await run_on(
        harness_for, provider_for(fake), [weather_agent()], conversation_id="conv_123"
    )

    assert result.final_output == "It is sunny in Oslo."
    first, second = fake.requests
    assert first.body["conversation"] == second.body["conversation"] == "conv_123"
    assert "previous_response_id" not in first.body
    assert "previous_response_id" not in second.body
    assert first.body["input"] == [USER]
    assert second.body["input"] == [tool_output()]


# --- errors -----------------------------------------------------------------------------------


async def test_rate_limit_is_retried_after_the_providers_wait(harness_for, fake, provider_for):
    """Temporal's own backoff would wait 1 s, then 2 s. The provider asks for 1.5 s
    (`retry-after-ms`) and then 1 s (`retry-after`), and those are the waits we see."""
    timed = Timed(
        rate_limit_reply(retry_after_ms=1500), rate_limit_reply(retry_after=1), text_reply("ok")
    )
    fake.responder = timed
    result, handle = await run_on(harness_for, provider_for(fake), [weather_agent()])

    assert result.final_output == "ok"
    assert len(fake.requests) == 3  # one request per attempt
    [(attempt, error_type, message)] = await model_attempts(handle)
    assert (attempt, error_type) == (3, "ModelRateLimited")
    assert "HTTP 429" in message and "Rate limit reached" in message
    first_wait, second_wait = timed.gaps
    assert first_wait >= 1.45, timed.gaps
    assert 0.95 <= second_wait < 1.8, timed.gaps
    assert_no_client_retries(fake)


async def test_server_error_is_retried(harness_for, fake, provider_for):
    timed = Timed(server_error_reply(500, "The server had an error"), text_reply("ok"))
    fake.responder = timed
    result, handle = await run_on(
        harness_for, provider_for(fake), [weather_agent("chat:scripted-3")]
    )

    assert result.final_output == "ok"
    assert len(fake.requests) == 2
    [(attempt, error_type, message)] = await model_attempts(handle)
    assert (attempt, error_type) == (2, "ModelServerError")
    assert "HTTP 500: The server had an error" in message
    [wait] = timed.gaps
    assert wait >= 0.95, wait  # Temporal's backoff, not a quick client-side retry
    assert_no_client_retries(fake)


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
async def test_client_errors_fail_the_run_fast(harness_for, fake, provider_for, status, error_type):
    fake.enqueue(error_reply(status, "Invalid schema for function 'get_weather': boom"))
    started = time.monotonic()
    error, _ = await fail_on(harness_for, provider_for(fake), [weather_agent()])

    assert time.monotonic() - started < 5
    assert len(fake.requests) == 1  # no retries, neither Temporal's nor the client's
    assert error.type == error_type
    assert f"HTTP {status}" in error.message
    assert "Invalid schema for function 'get_weather': boom" in error.message
    assert_no_client_retries(fake)


async def test_quota_exhausted_fails_fast(harness_for, fake, provider_for):
    fake.enqueue(error_reply(429, "You exceeded your current quota", code="insufficient_quota"))
    error, _ = await fail_on(harness_for, provider_for(fake), [weather_agent()])
    assert error.type == "ModelQuotaExceeded"
    assert "exceeded your current quota" in error.message
    assert len(fake.requests) == 1


async def test_slow_response_times_out_and_is_retried(harness_for, fake, provider_for):
    fake.enqueue(slow_reply(text_reply("too late"), 3), text_reply("on time"))
    provider = provider_for(fake, DURABLE_AGENTS_MODEL_TIMEOUT="0.3")
    result, handle = await run_on(harness_for, provider, [weather_agent()])

    assert result.final_output == "on time"
    assert len(fake.requests) == 2
    assert [a[:2] for a in await model_attempts(handle)] == [(2, "ModelTimeout")]
    assert_no_client_retries(fake)


async def test_broken_connection_is_retried(harness_for, fake, provider_for):
    fake.enqueue(broken_connection_reply(), text_reply("ok"))
    result, handle = await run_on(harness_for, provider_for(fake), [weather_agent()])

    assert result.final_output == "ok"
    assert len(fake.requests) == 2
    assert [a[:2] for a in await model_attempts(handle)] == [(2, "ModelConnectionError")]


@pytest.mark.parametrize("model", ["scripted-3", "chat:scripted-3"])
@pytest.mark.parametrize(
    "reply",
    [
        malformed_reply(b'{"id": "resp_1", "output": ['),
        malformed_reply(b'{"id": "x", "output": "nope", "choices": 3}'),
        Reply(body=b"<html>502 Bad Gateway</html>", content_type="text/html"),
    ],
    ids=["truncated-json", "wrong-shape", "html"],
)
async def test_malformed_output_is_a_model_behavior_error(
    harness_for, fake, provider_for, model, reply
):
    fake.enqueue(reply)
    error, _ = await fail_on(harness_for, provider_for(fake), [weather_agent(model)])
    assert error.type == "ModelBehaviorError"
    assert len(fake.requests) == 1


async def test_structured_output_that_does_not_validate_is_a_model_behavior_error(
    harness_for, fake, provider_for
):
    fake.enqueue(text_reply("not json at all"))
    agent = weather_agent(output_type=Weather)
    error, _ = await fail_on(harness_for, provider_for(fake), [agent])
    assert error.type == "ModelBehaviorError"
    assert len(fake.requests) == 1


# --- token streaming (raw_response_event) ----------------------------------------------------


async def stream_on(
    harness_for: Any, provider: Any, agents: list[Agent[Any]], input: Any = "weather in Oslo?"
) -> tuple[list[StreamEvent], RunResult, WorkflowHandle[Any, RunResult]]:
    """`run_streamed`, read to the end by a client reader."""
    async with harness_for(AgentRegistry(agents), model_provider=provider) as h:
        client = AgentClient(h.client, task_queue=h.task_queue)
        run = await client.run_streamed(agents[0].name, input)
        fast = timedelta(milliseconds=20)
        events = [event async for event in run.stream_events(poll_cooldown=fast)]
        return events, await run.result(), h.client.get_workflow_handle(run.run_id)


def raw_events(events: list[StreamEvent], kind: str) -> list[Any]:
    """The data of the raw events of type `kind`: openai's event objects."""
    return [
        e.data for e in events if isinstance(e, RawResponsesStreamEvent) and e.data.type == kind
    ]


def streamed_text(events: list[StreamEvent]) -> str:
    deltas = raw_events(events, "response.output_text.delta")
    assert all(isinstance(data, ResponseTextDeltaEvent) for data in deltas)
    return "".join(data.delta for data in deltas)


@pytest.mark.parametrize("model", ["scripted-3", "chat:scripted-3"])
async def test_a_streamed_run_gets_the_models_tokens(harness_for, fake, provider_for, model):
    fake.enqueue(*weather_turns(second=TokenUsage(input_tokens=50, cached_tokens=5)))
    events, result, _ = await stream_on(harness_for, provider_for(fake), [weather_agent(model)])

    assert result.final_output == "It is sunny in Oslo."
    assert [request.stream for request in fake.requests] == [True, True]
    assert streamed_text(events) == "It is sunny in Oslo."
    # Typed as the reference's, from either API: the fields it reads are set.
    deltas = raw_events(events, "response.output_text.delta")
    assert deltas and all(d.logprobs == [] and d.sequence_number >= 0 for d in deltas)
    arguments = raw_events(events, "response.function_call_arguments.delta")
    assert all(isinstance(data, ResponseFunctionCallArgumentsDeltaEvent) for data in arguments)
    assert json.loads("".join(data.delta for data in arguments)) == {"city": "Oslo"}
    completed = raw_events(events, "response.completed")
    assert all(isinstance(data, ResponseCompletedEvent) for data in completed)
    assert all(isinstance(data.response, Response) for data in completed)
    assert isinstance(completed[0].response.output[0], ResponseFunctionToolCall)
    assert completed[0].response.output[0].name == "get_weather"
    wire = [e.model_dump(mode="json")["data"] for e in events if e.type == "raw_response_event"]
    assert [
        data["response"]["output"] for data in wire if data["type"] == "response.completed"
    ] == [r.output for r in result.raw_responses]
    assert result.usage.requests == 2 and result.usage.input_tokens_details.cached_tokens == 5
    if model == "scripted-3":
        assert [data.response.id for data in completed] == [
            r.response_id for r in result.raw_responses
        ]
    # Each call's events come before the run item events of its turn.
    offsets = {
        e.name: e.offset
        for e in events
        if isinstance(e, RunItemStreamEvent) and e.name in ("tool_called", "message_output_created")
    }
    raw = [e for e in events if isinstance(e, RawResponsesStreamEvent)]
    first_call = [e.offset for e in raw if e.offset < offsets["tool_called"]]
    assert first_call and max(first_call) < offsets["tool_called"]
    assert raw[-1].data.type == "response.completed"
    assert raw[-1].offset < offsets["message_output_created"]


@pytest.mark.parametrize("model", ["scripted-3", "chat:scripted-3"])
async def test_a_stream_that_breaks_off_is_retried_and_streams_again(
    harness_for, fake, provider_for, model
):
    """A server error in the middle of the reply fails the attempt (retryable, as an HTTP 500);
    the retry streams from the start, so a reader sees the first attempt's deltas too."""
    after = 5 if model == "scripted-3" else 2  # up to the first text delta
    fake.enqueue(
        failing_stream_reply(text_reply("It is sunny in Oslo."), after=after),
        text_reply("It is sunny in Oslo."),
    )
    events, result, handle = await stream_on(
        harness_for, provider_for(fake), [weather_agent(model)]
    )

    assert result.final_output == "It is sunny in Oslo."
    assert streamed_text(events) == "It is su" + "It is sunny in Oslo."
    assert len(raw_events(events, "response.completed")) == 1
    [(attempt, error_type, message)] = await model_attempts(handle)
    assert (attempt, error_type) == (2, "ModelServerError")
    assert "while streaming: The server had an error" in message
    assert len(fake.requests) == 2


async def test_a_streamed_bad_request_fails_the_run_fast(harness_for, fake, provider_for):
    fake.enqueue(error_reply(400, "Invalid schema for function 'get_weather': boom"))
    async with harness_for(
        AgentRegistry([weather_agent()]), model_provider=provider_for(fake)
    ) as h:
        client = AgentClient(h.client, task_queue=h.task_queue)
        run = await client.run_streamed("weather", "weather in Oslo?")
        events = [event async for event in run.stream_events()]
        with pytest.raises(RunFailedError) as failure:
            await run.result()
    assert failure.value.error_type == "ModelBadRequest"
    assert "HTTP 400" in failure.value.message
    assert [type(e).__name__ for e in events] == ["AgentUpdatedStreamEvent"]
    assert len(fake.requests) == 1


# --- keys stay in the worker --------------------------------------------------------------------


async def test_api_key_never_reaches_the_history(harness_for, fake, provider_for):
    fake.enqueue(*weather_turns())
    result, handle = await run_on(harness_for, provider_for(fake), [weather_agent()])

    assert result.final_output == "It is sunny in Oslo."
    assert fake.requests[0].headers["authorization"] == f"Bearer {SECRET}"  # it was used...
    as_json, as_bytes = await history_texts(handle)
    assert SECRET not in as_json  # ...but never recorded
    assert SECRET.encode() not in as_bytes
    assert SECRET not in result.model_dump_json()


@pytest.fixture
def captured_logs(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> Callable[[], str]:
    """Everything the worker logged: stdlib logging (Temporal's own) and structlog's output."""
    caplog.set_level(logging.DEBUG)

    def text() -> str:
        out, err = capfd.readouterr()
        records = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
        return "\n".join([caplog.text, records, out, err])

    return text


@pytest.mark.parametrize(
    ("model", "key"), [("scripted-3", SECRET), ("local/scripted-3", LOCAL_KEY)]
)
async def test_a_key_echoed_by_the_provider_stays_out_of_failures_history_and_logs(
    harness_for, fake, provider_for, captured_logs, model, key
):
    """Providers echo a rejected key in their 401 message; the run's failure, the history
    (including the activity failure's cause chain) and the worker's logs must not carry it."""
    fake.enqueue(
        error_reply(401, f"Incorrect API key provided: {key}.", code="invalid_api_key"),
    )
    provider = provider_for(
        fake,
        DURABLE_AGENTS_PROVIDER_LOCAL_BASE_URL=fake.base_url,
        DURABLE_AGENTS_PROVIDER_LOCAL_API_KEY=LOCAL_KEY,
    )
    error, handle = await fail_on(harness_for, provider, [weather_agent(model)])

    assert fake.requests[0].headers["authorization"] == f"Bearer {key}"
    assert error.type == "ModelAuthenticationError"
    assert "Incorrect API key provided" in error.message
    assert "check the API key" in error.message
    for text in failure_texts(error):
        assert key not in text
    as_json, as_bytes = await history_texts(handle)
    assert key not in as_json
    assert key.encode() not in as_bytes
    assert key not in captured_logs()

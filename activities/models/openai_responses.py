"""`Model` over the OpenAI Responses API (`POST /responses`).

The request body is built as plain JSON and sent with the client's low-level `post`. The typed
`client.responses.create(...)` walks every input item through the SDK's TypedDict transform,
which costs tens of milliseconds of CPU per call on long conversations (see
`benchmarks/model_cpu.py`); our items are already JSON, so that work buys nothing. `post` still
applies the client's auth headers, base URL, timeout, error mapping and JSON decoding.

Streaming (`stream_response`) posts the same body with `stream: true` and passes the server-sent
events through as plain dicts; the final `response.completed` is parsed exactly as a
non-streamed reply. Error events in the stream are raised as `openai.APIError`, which
`errors.py` classifies by their code as it classifies HTTP statuses.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import openai
from openai import AsyncOpenAI, AsyncStream

from durable_agents.exceptions import ModelBehaviorError
from durable_agents.model_settings import ModelSettings
from durable_agents.models import (
    FAKE_RESPONSES_ID,
    Model,
    ModelRequest,
    ModelResponse,
    OutputSchema,
    ToolDefinition,
    TResponseInputItem,
    TResponseStreamEvent,
)
from durable_agents.usage import InputTokensDetails, OutputTokensDetails, Usage

USER_AGENT = "Agents/Python durable-agents"

_FINAL_EVENTS = frozenset({"response.completed", "response.incomplete"})
"""Stream events carrying the whole response; an incomplete one (e.g. max_output_tokens) is
what a non-streamed call returns too."""

_HOSTED_TOOL_CHOICES = frozenset(
    {
        "file_search",
        "web_search",
        "web_search_preview",
        "computer_use_preview",
        "image_generation",
        "code_interpreter",
        "mcp",
    }
)


class OpenAIResponsesModel(Model):
    def __init__(self, model: str, openai_client: AsyncOpenAI) -> None:
        self.model = model
        self._client = openai_client

    async def get_response(self, request: ModelRequest) -> ModelResponse:
        body = self.build_body(request)
        data = await post_json(self._client, "/responses", body, request.model_settings)
        return parse_response(data)

    async def stream_response(self, request: ModelRequest) -> AsyncIterator[TResponseStreamEvent]:
        body = self.build_body(request)
        body["stream"] = True
        stream = await post_stream(self._client, "/responses", body, request.model_settings)
        async with stream:
            async for event in stream:
                if not isinstance(event, dict) or not isinstance(event.get("type"), str):
                    raise ModelBehaviorError(f"the Responses API streamed a non-event: {event!r}")
                if event["type"] == "error":
                    raise stream_error(stream, {k: v for k, v in event.items() if k != "type"})
                if event["type"] == "response.failed":
                    failed = event.get("response")
                    raise stream_error(stream, (failed or {}).get("error") or {})
                yield event

    def final_response(self, event: TResponseStreamEvent) -> ModelResponse | None:
        if event.get("type") not in _FINAL_EVENTS:
            return None
        data = event.get("response")
        if not isinstance(data, dict):
            raise ModelBehaviorError(f"the Responses API's {event['type']} has no response")
        return parse_response(data)

    def build_body(self, request: ModelRequest) -> dict[str, Any]:
        """The JSON body for `POST /responses`; unset settings are left out, not sent as null."""
        settings = request.model_settings
        body: dict[str, Any] = {"model": self.model, "input": clean_input(request.input)}
        optional = {
            "instructions": request.system_instructions,
            "previous_response_id": request.previous_response_id,
            "conversation": request.conversation_id,
            "temperature": settings.temperature,
            "top_p": settings.top_p,
            "truncation": settings.truncation,
            "max_output_tokens": settings.max_tokens,
            "store": settings.store,
            "prompt_cache_retention": settings.prompt_cache_retention,
            "metadata": settings.metadata,
            "top_logprobs": settings.top_logprobs,
            "tool_choice": convert_tool_choice(settings.tool_choice),
            "parallel_tool_calls": parallel_tool_calls(settings, request),
        }
        body.update((key, value) for key, value in optional.items() if value is not None)
        tools = [function_tool(t) for t in (*request.tools, *request.handoffs)]
        if tools:
            body["tools"] = tools
        if settings.reasoning is not None:
            body["reasoning"] = settings.reasoning.model_dump(exclude_none=True)
        text = text_config(request.output_schema, settings)
        if text:
            body["text"] = text
        include = set(settings.response_include or ())
        if settings.top_logprobs is not None:
            include.add("message.output_text.logprobs")
        if include:
            body["include"] = sorted(include)
        if settings.extra_args:
            body.update(settings.extra_args)
        return body


def function_tool(tool: ToolDefinition) -> dict[str, Any]:
    return {
        "type": "function",
        "name": tool.name,
        "description": tool.description,
        "parameters": tool.params_json_schema,
        "strict": tool.strict,
    }


def parallel_tool_calls(settings: ModelSettings, request: ModelRequest) -> bool | None:
    """True only when there are tools to call (the API rejects it otherwise); False as given."""
    if settings.parallel_tool_calls and (request.tools or request.handoffs):
        return True
    if settings.parallel_tool_calls is False:
        return False
    return None


def convert_tool_choice(choice: str | dict[str, Any] | None) -> str | dict[str, Any] | None:
    """A tool name becomes a forced function call; hosted tool names and modes pass through."""
    if choice is None or choice in ("auto", "required", "none"):
        return choice
    if isinstance(choice, dict):
        if "server_label" in choice and "type" not in choice:
            return {"type": "mcp", **choice}
        return choice
    if choice in _HOSTED_TOOL_CHOICES:
        return {"type": choice}
    return {"type": "function", "name": choice}


def text_config(schema: OutputSchema | None, settings: ModelSettings) -> dict[str, Any]:
    text: dict[str, Any] = {}
    if schema is not None:
        text["format"] = {
            "type": "json_schema",
            "name": schema.name,
            "schema": schema.json_schema,
            "strict": schema.strict,
        }
    if settings.verbosity is not None:
        text["verbosity"] = settings.verbosity
    return text


def clean_input(items: list[TResponseInputItem]) -> list[TResponseInputItem]:
    """Drops what other providers attached to items (`provider_data`, placeholder ids, their
    reasoning items), which the Responses API would reject. Items are copied, never mutated."""
    if not any(item.get("provider_data") for item in items):
        return items
    cleaned = []
    for item in items:
        if not item.get("provider_data"):
            cleaned.append(item)
        elif item.get("type") != "reasoning":
            cleaned.append(
                {
                    key: value
                    for key, value in item.items()
                    if key != "provider_data" and not (key == "id" and value == FAKE_RESPONSES_ID)
                }
            )
    return cleaned


def _request_options(settings: ModelSettings) -> dict[str, Any]:
    """`extra_headers`, `extra_query` and `extra_body` go through the client's own request
    options so they merge exactly as with the typed methods."""
    headers = {"User-Agent": USER_AGENT, **(settings.extra_headers or {})}
    options: dict[str, Any] = {"headers": headers}
    if settings.extra_query:
        options["params"] = settings.extra_query
    if settings.extra_body:
        options["extra_json"] = settings.extra_body
    return options


async def post_stream(
    client: AsyncOpenAI, path: str, body: dict[str, Any], settings: ModelSettings
) -> AsyncStream[object]:
    """POST an already-JSON body asking for server-sent events; iterate the result for each
    event's decoded JSON. HTTP errors are raised here, before any event, as with `post_json`;
    `data: {"error": ...}` events are raised by the client as `openai.APIError`."""
    return await client.post(
        path,
        body=body,
        cast_to=object,
        options=_request_options(settings),
        stream=True,
        stream_cls=AsyncStream[object],
    )


def stream_error(stream: AsyncStream[object], error: dict[str, Any]) -> openai.APIError:
    """An error the server reported inside a stream (after its 200), for `errors.py`."""
    message = error.get("message") if isinstance(error.get("message"), str) else None
    return openai.APIError(
        message or "the model API reported an error while streaming",
        stream.response.request,
        body=error,
    )


async def post_json(
    client: AsyncOpenAI, path: str, body: dict[str, Any], settings: ModelSettings
) -> dict[str, Any]:
    """POST an already-JSON body through the client; the decoded JSON object comes back.

    A body that is not a JSON object is the provider misbehaving, hence `ModelBehaviorError`."""
    options = _request_options(settings)
    try:
        data = await client.post(path, body=body, cast_to=object, options=options)
    except json.JSONDecodeError as exc:
        raise ModelBehaviorError(f"the model API returned invalid JSON from {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ModelBehaviorError(
            f"the model API returned {type(data).__name__} instead of a JSON object from {path}"
        )
    return data


def parse_response(data: dict[str, Any]) -> ModelResponse:
    output = data.get("output")
    if not isinstance(output, list) or not all(
        isinstance(item, dict) and isinstance(item.get("type"), str) for item in output
    ):
        raise ModelBehaviorError("the Responses API reply has no valid `output` list")
    usage = data.get("usage")
    return ModelResponse(
        output=[drop_none(item) for item in output],
        usage=parse_usage(usage) if isinstance(usage, dict) else Usage(),
        response_id=data.get("id"),
    )


def parse_usage(
    usage: dict[str, Any],
    *,
    tokens: tuple[str, str] = ("input_tokens", "output_tokens"),
    details: tuple[str, str] = ("input_tokens_details", "output_tokens_details"),
) -> Usage:
    """One request's usage. `tokens`/`details` name the input and output fields, which Chat
    Completions calls prompt/completion; providers send null for counts they do not report."""
    try:
        return Usage(
            requests=1,
            input_tokens=int(usage.get(tokens[0]) or 0),
            output_tokens=int(usage.get(tokens[1]) or 0),
            total_tokens=int(usage.get("total_tokens") or 0),
            input_tokens_details=InputTokensDetails(
                cached_tokens=int((usage.get(details[0]) or {}).get("cached_tokens") or 0)
            ),
            output_tokens_details=OutputTokensDetails(
                reasoning_tokens=int((usage.get(details[1]) or {}).get("reasoning_tokens") or 0)
            ),
        )
    except (AttributeError, TypeError, ValueError) as exc:
        raise ModelBehaviorError(f"the model API returned malformed usage: {usage!r}") from exc


def drop_none(value: Any) -> Any:
    """Output items without null fields: history stays small and the items are valid input."""
    if isinstance(value, dict):
        return {k: drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_none(v) for v in value]
    return value

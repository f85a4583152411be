"""`Model` over the Chat Completions API (`POST /chat/completions`).

Runs keep their items in the Responses format; this model converts them to chat messages on
the way out and the reply back into Responses output items, so a run can switch APIs or
providers between turns. Most OpenAI-compatible servers (Ollama, vLLM, Gemini, DeepSeek...) only
speak this API. `previous_response_id` and `conversation_id` have no Chat Completions
equivalent and are ignored, as in the reference.

Streaming (`stream_response`) turns the completion's chunks into Responses API stream events, as
the reference does, and rebuilds the completion they add up to, which `parse_completion` reads
exactly as a non-streamed reply.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from typing import Any

from openai import AsyncOpenAI

from durable_agents.exceptions import ModelBehaviorError, UserError
from durable_agents.models import (
    FAKE_RESPONSES_ID,
    Model,
    ModelRequest,
    ModelResponse,
    OutputSchema,
    ToolDefinition,
    TResponseInputItem,
    TResponseOutputItem,
    TResponseStreamEvent,
    response_completed_event,
)
from durable_agents.usage import Usage

from .openai_responses import parallel_tool_calls, parse_usage, post_json, post_stream

Message = dict[str, Any]

_CHAT_USAGE_KEYS = {
    "tokens": ("prompt_tokens", "completion_tokens"),
    "details": ("prompt_tokens_details", "completion_tokens_details"),
}


class OpenAIChatCompletionsModel(Model):
    def __init__(self, model: str, openai_client: AsyncOpenAI) -> None:
        self.model = model
        self._client = openai_client

    async def get_response(self, request: ModelRequest) -> ModelResponse:
        body = self.build_body(request)
        data = await post_json(self._client, "/chat/completions", body, request.model_settings)
        return parse_completion(data, self.model)

    async def stream_response(self, request: ModelRequest) -> AsyncIterator[TResponseStreamEvent]:
        body = self.build_body(request)
        body["stream"] = True
        if request.model_settings.include_usage is not False:
            # usage on by default (as the reference does for OpenAI); False asks the server not to
            body["stream_options"] = {**(body.get("stream_options") or {}), "include_usage": True}
        path = "/chat/completions"
        stream = await post_stream(self._client, path, body, request.model_settings)
        events = ChatStreamEvents(self.model)
        async with stream:
            async for chunk in stream:
                for event in events.add(chunk):
                    yield event
        for event in events.finish():
            yield event

    def build_body(self, request: ModelRequest) -> dict[str, Any]:
        settings = request.model_settings
        messages = items_to_messages(request.input, model=self.model)
        if request.system_instructions:
            messages.insert(0, {"role": "system", "content": request.system_instructions})
        store = settings.store
        if store is None and str(self._client.base_url).startswith("https://api.openai.com"):
            store = True  # match the Responses API, which stores by default
        optional = {
            "temperature": settings.temperature,
            "top_p": settings.top_p,
            "frequency_penalty": settings.frequency_penalty,
            "presence_penalty": settings.presence_penalty,
            "max_tokens": settings.max_tokens,
            "tool_choice": convert_tool_choice(settings.tool_choice),
            "response_format": response_format(request.output_schema),
            "parallel_tool_calls": parallel_tool_calls(settings, request),
            "store": store,
            "reasoning_effort": settings.reasoning.effort if settings.reasoning else None,
            "verbosity": settings.verbosity,
            "top_logprobs": settings.top_logprobs,
            "logprobs": True if settings.top_logprobs is not None else None,
            "prompt_cache_retention": settings.prompt_cache_retention,
            "metadata": settings.metadata,
        }
        body: dict[str, Any] = {"model": self.model, "messages": messages}
        body.update((key, value) for key, value in optional.items() if value is not None)
        tools = [chat_tool(t) for t in (*request.tools, *request.handoffs)]
        if tools:
            body["tools"] = tools
        if settings.extra_args:
            body.update(settings.extra_args)
        return body


def chat_tool(tool: ToolDefinition) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": tool.name,
            "description": tool.description,
            "parameters": tool.params_json_schema,
            "strict": tool.strict,
        },
    }


def convert_tool_choice(choice: str | dict[str, Any] | None) -> str | dict[str, Any] | None:
    if choice is None or choice in ("auto", "required", "none"):
        return choice
    if isinstance(choice, dict):
        if choice.get("type", "function") != "function" or "server_label" in choice:
            raise UserError(f"tool_choice {choice!r} is not supported by Chat Completions models")
        return {"type": "function", "function": {"name": choice["name"]}}
    return {"type": "function", "function": {"name": choice}}


def response_format(schema: OutputSchema | None) -> dict[str, Any] | None:
    if schema is None:
        return None
    return {
        "type": "json_schema",
        "json_schema": {"name": schema.name, "strict": schema.strict, "schema": schema.json_schema},
    }


# --- Responses items -> chat messages ----------------------------------------------------------


def items_to_messages(items: list[TResponseInputItem], *, model: str = "") -> list[Message]:
    """Consecutive assistant text and function calls fold into one assistant message with
    `tool_calls`, as Chat Completions expects; each function output becomes a `tool` message."""
    converter = _MessageBuilder(model.lower())
    for item in items:
        converter.add(item)
    return converter.finish()


class _MessageBuilder:
    def __init__(self, model: str) -> None:
        self.model = model
        self.messages: list[Message] = []
        self.assistant: Message | None = None
        self.reasoning_content: str | None = None
        """DeepSeek wants its reasoning echoed on the assistant message that makes tool calls."""

    def add(self, item: TResponseInputItem) -> None:
        kind = item.get("type")
        role = item.get("role")
        if kind in (None, "message") and role in ("user", "system", "developer"):
            self._flush()
            content = item.get("content", "")
            converted = all_content(content) if role == "user" else text_content(content)
            self.messages.append({"role": role, "content": converted})
        elif kind in (None, "message") and role == "assistant":
            self._flush()
            self.assistant = self._assistant_message(item.get("content"))
        elif kind == "function_call":
            self._add_tool_call(item)
        elif kind == "file_search_call":
            arguments = {"queries": item.get("queries", []), "status": item.get("status")}
            self._tool_calls().append(
                {
                    "id": item["id"],
                    "type": "function",
                    "function": {"name": "file_search_call", "arguments": json.dumps(arguments)},
                }
            )
        elif kind == "function_call_output":
            self._flush()
            self.messages.append(
                {
                    "role": "tool",
                    "tool_call_id": item["call_id"],
                    "content": text_content(item.get("output", "")),
                }
            )
        elif kind == "reasoning":
            self._note_reasoning(item)
        elif kind in ("item_reference", "compaction"):
            raise UserError(f"{kind} items are not supported by Chat Completions models")
        else:
            raise UserError(f"cannot convert this item to a chat message: {item!r}")

    def finish(self) -> list[Message]:
        self._flush()
        return self.messages

    def _assistant_message(self, content: Any) -> Message:
        message: Message = {"role": "assistant"}
        if isinstance(content, str):
            message["content"] = content
            return message
        texts = []
        for part in content or []:
            if part.get("type") in ("output_text", "input_text"):
                texts.append(part["text"])
            elif part.get("type") == "refusal":
                message["refusal"] = part["refusal"]
            else:
                raise UserError(f"assistant content {part.get('type')!r} has no chat equivalent")
        if texts:
            message["content"] = "\n".join(texts)
        return message

    def _tool_calls(self) -> list[dict[str, Any]]:
        if self.assistant is None:
            self.assistant = {"role": "assistant", "content": None}
        return self.assistant.setdefault("tool_calls", [])

    def _add_tool_call(self, item: TResponseInputItem) -> None:
        call: dict[str, Any] = {
            "id": item["call_id"],
            "type": "function",
            "function": {"name": item["name"], "arguments": item.get("arguments") or "{}"},
        }
        signature = (item.get("provider_data") or {}).get("thought_signature")
        if signature and "gemini" in self.model:
            call["extra_content"] = {"google": {"thought_signature": signature}}
        self._tool_calls().append(call)
        if self.reasoning_content and self.assistant is not None:
            self.assistant["reasoning_content"] = self.reasoning_content
            self.reasoning_content = None

    def _note_reasoning(self, item: TResponseInputItem) -> None:
        source_model = str((item.get("provider_data") or {}).get("model", "")).lower()
        from_deepseek = "deepseek" in source_model or not item.get("provider_data")
        if "deepseek" in self.model and from_deepseek:
            texts = [s.get("text") for s in item.get("summary") or [] if s.get("text")]
            if texts:
                self.reasoning_content = "\n".join(texts)

    def _flush(self) -> None:
        if self.assistant is not None:
            if not self.assistant.get("tool_calls"):
                self.assistant.pop("tool_calls", None)
                self.reasoning_content = None
            self.messages.append(self.assistant)
            self.assistant = None
        else:
            self.reasoning_content = None


def text_content(content: Any) -> str | list[dict[str, Any]]:
    """Text parts only, for roles that accept nothing else (system, assistant, tool)."""
    converted = all_content(content)
    if isinstance(converted, str):
        return converted
    return [part for part in converted if part["type"] == "text"]


def all_content(content: Any) -> str | list[dict[str, Any]]:
    if isinstance(content, str):
        return content
    return [_content_part(part) for part in content]


def _content_part(part: dict[str, Any]) -> dict[str, Any]:
    kind = part.get("type")
    if kind == "input_text":
        return {"type": "text", "text": part["text"]}
    if kind == "input_image":
        if not part.get("image_url"):
            raise UserError("Chat Completions models accept input_image only as image_url")
        url = {"url": part["image_url"], "detail": part.get("detail", "auto")}
        return {"type": "image_url", "image_url": url}
    if kind == "input_audio":
        audio = part.get("input_audio") or {}
        if not (isinstance(audio, dict) and audio.get("data") and audio.get("format")):
            raise UserError("input_audio needs both data and format")
        return {"type": "input_audio", "input_audio": audio}
    if kind == "input_file":
        if not part.get("file_data"):
            raise UserError("Chat Completions models accept input_file only as file_data")
        file = {"file_data": part["file_data"]}
        if part.get("filename"):
            file["filename"] = part["filename"]
        return {"type": "file", "file": file}
    raise UserError(f"unknown content part: {part!r}")


# --- chat completion -> Responses items --------------------------------------------------------


def parse_completion(data: dict[str, Any], model: str) -> ModelResponse:
    choices = data.get("choices")
    if not isinstance(choices, list) or (choices and not isinstance(choices[0], dict)):
        raise ModelBehaviorError("the Chat Completions reply has no valid `choices` list")
    usage = data.get("usage")
    output: list[TResponseOutputItem] = []
    if choices and isinstance(choices[0].get("message"), dict):
        provider_data = {"model": model, "response_id": data.get("id")}
        output = message_to_output_items(choices[0], provider_data)
    return ModelResponse(
        output=output,
        usage=parse_usage(usage, **_CHAT_USAGE_KEYS) if isinstance(usage, dict) else Usage(),
        response_id=None,
    )


def message_to_output_items(
    choice: dict[str, Any], provider_data: dict[str, Any]
) -> list[TResponseOutputItem]:
    """Reasoning (if the server returns it), then the text/refusal message, then function
    calls: the order the Responses API would have produced."""
    message = choice["message"]
    items: list[TResponseOutputItem] = []
    reasoning = message.get("reasoning_content") or message.get("reasoning")
    if isinstance(reasoning, str) and reasoning:
        items.append(
            {
                "type": "reasoning",
                "id": FAKE_RESPONSES_ID,
                "summary": [{"type": "summary_text", "text": reasoning}],
                "provider_data": provider_data,
            }
        )
    if message.get("audio"):
        raise ModelBehaviorError("audio output is not supported")
    content: list[dict[str, Any]] = []
    text = _message_text(message.get("content"))
    if text:
        part: dict[str, Any] = {"type": "output_text", "text": text, "annotations": []}
        logprobs = _logprobs(choice.get("logprobs"))
        if logprobs:
            part["logprobs"] = logprobs
        content.append(part)
    if message.get("refusal"):
        content.append({"type": "refusal", "refusal": message["refusal"]})
    if content:
        items.append(
            {
                "type": "message",
                "id": FAKE_RESPONSES_ID,
                "role": "assistant",
                "status": "completed",
                "content": content,
                "provider_data": provider_data,
            }
        )
    for call in message.get("tool_calls") or []:
        if call.get("type", "function") != "function":
            continue  # custom tools are not offered by this model, so their calls are dropped
        function = call.get("function") or {}
        if not call.get("id") or not function.get("name"):
            raise ModelBehaviorError(f"the model returned a tool call without id or name: {call!r}")
        call_data = dict(provider_data)
        signature = ((call.get("extra_content") or {}).get("google") or {}).get("thought_signature")
        if signature:
            call_data["thought_signature"] = signature
        items.append(
            {
                "type": "function_call",
                "id": FAKE_RESPONSES_ID,
                "call_id": call["id"],
                "name": function["name"],
                "arguments": function.get("arguments") or "",
                "provider_data": call_data,
            }
        )
    return items


def _message_text(content: Any) -> str | None:
    """Content is a string; a few servers send a list of text parts instead."""
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict)) or None
    return content


def _logprobs(logprobs: Any) -> list[dict[str, Any]]:
    tokens = logprobs.get("content") if isinstance(logprobs, dict) else None
    return [
        {
            "token": t["token"],
            "logprob": t["logprob"],
            "bytes": t.get("bytes") or [],
            "top_logprobs": [
                {"token": top["token"], "logprob": top["logprob"], "bytes": top.get("bytes") or []}
                for top in t.get("top_logprobs") or []
            ],
        }
        for t in tokens or []
    ]


# --- chat completion chunks -> Responses stream events -----------------------------------------


class ChatStreamEvents:
    """Responses API stream events for a streamed chat completion, chunk by chunk: the output
    items as they start (`response.output_item.added`), their deltas (text, refusal, reasoning
    summary, function call arguments), then at the end each item's done events and
    `response.completed`, whose response is `parse_completion` of the rebuilt completion."""

    def __init__(self, model: str) -> None:
        self.model = model
        self._sequence = itertools.count()
        self._started = False
        self._id: str | None = None
        self._usage: Any = None
        self._has_choice = False
        self._message: Message = {"role": "assistant"}
        self._logprobs: list[Any] = []
        self._calls: dict[int, dict[str, Any]] = {}
        self._output_index: dict[Any, int] = {}
        """Output index of each started item: "reasoning", "message" or ("call", index)."""
        self._content_index: dict[str, int] = {}
        """Content index of each started message part: "output_text" or "refusal"."""

    def add(self, chunk: object) -> list[TResponseStreamEvent]:
        if not isinstance(chunk, dict):
            raise ModelBehaviorError(f"the Chat Completions API streamed a non-chunk: {chunk!r}")
        events = self._created()
        self._id = self._id or chunk.get("id")
        if chunk.get("usage") is not None:
            self._usage = chunk["usage"]
        choices = chunk.get("choices")
        if not isinstance(choices, list):
            raise ModelBehaviorError("a Chat Completions chunk has no valid `choices` list")
        choice = next((c for c in choices if isinstance(c, dict) and c.get("index", 0) == 0), None)
        if choice is None:
            return events
        self._has_choice = True
        delta = choice.get("delta") or {}
        for key in ("reasoning_content", "reasoning"):
            if isinstance(delta.get(key), str) and delta[key]:
                events += self._reasoning(key, delta[key])
        tokens = (choice.get("logprobs") or {}).get("content") or []
        self._logprobs.extend(tokens)
        text = _message_text(delta.get("content"))
        if text:
            events += self._text("output_text", "content", text, _logprobs({"content": tokens}))
        if isinstance(delta.get("refusal"), str) and delta["refusal"]:
            events += self._text("refusal", "refusal", delta["refusal"], None)
        if delta.get("audio"):
            self._message["audio"] = delta["audio"]
        for call in delta.get("tool_calls") or []:
            events += self._tool_call(call)
        return events

    def finish(self) -> list[TResponseStreamEvent]:
        """The done events and `response.completed`, once the stream has ended."""
        events = self._created()
        message = dict(self._message)
        calls = [self._calls[index] for index in sorted(self._calls)]
        if calls:
            message["tool_calls"] = calls
        choice = {"message": message, "logprobs": {"content": self._logprobs}}
        data = {
            "id": self._id,
            "choices": [choice] if self._has_choice else [],
            "usage": self._usage,
        }
        response = parse_completion(data, self.model)
        call_keys = {call.get("id"): ("call", index) for index, call in self._calls.items()}
        for item in response.output:
            key = call_keys.get(item.get("call_id")) if item["type"] == "function_call" else None
            events += self._done(key or item["type"], item)
        events.append(
            response_completed_event(
                response, sequence_number=next(self._sequence), model=self.model
            )
        )
        return events

    def _event(self, kind: str, **data: Any) -> TResponseStreamEvent:
        return {"type": kind, "sequence_number": next(self._sequence), **data}

    def _created(self) -> list[TResponseStreamEvent]:
        if self._started:
            return []
        self._started = True
        response = {
            "id": FAKE_RESPONSES_ID,
            "object": "response",
            "status": "in_progress",
            "model": self.model,
            "output": [],
            "usage": None,
        }
        return [self._event("response.created", response=response)]

    def _provider_data(self) -> dict[str, Any]:
        return {"model": self.model, "response_id": self._id}

    def _start(self, key: Any, item: TResponseOutputItem) -> list[TResponseStreamEvent]:
        if key in self._output_index:
            return []
        index = self._output_index[key] = len(self._output_index)
        return [self._event("response.output_item.added", output_index=index, item=item)]

    def _where(self, key: Any) -> dict[str, Any]:
        return {"item_id": FAKE_RESPONSES_ID, "output_index": self._output_index[key]}

    def _reasoning(self, key: str, text: str) -> list[TResponseStreamEvent]:
        item = {
            "type": "reasoning",
            "id": FAKE_RESPONSES_ID,
            "summary": [],
            "provider_data": self._provider_data(),
        }
        events = self._start("reasoning", item)
        if events:
            part = {"type": "summary_text", "text": ""}
            events.append(
                self._event(
                    "response.reasoning_summary_part.added",
                    **self._where("reasoning"),
                    summary_index=0,
                    part=part,
                )
            )
        self._message[key] = self._message.get(key, "") + text
        events.append(
            self._event(
                "response.reasoning_summary_text.delta",
                **self._where("reasoning"),
                summary_index=0,
                delta=text,
            )
        )
        return events

    def _text(
        self, part_type: str, key: str, text: str, logprobs: list[Any] | None
    ) -> list[TResponseStreamEvent]:
        item = {
            "type": "message",
            "id": FAKE_RESPONSES_ID,
            "role": "assistant",
            "status": "in_progress",
            "content": [],
            "provider_data": self._provider_data(),
        }
        events = self._start("message", item)
        if part_type not in self._content_index:
            self._content_index[part_type] = len(self._content_index)
            empty: dict[str, Any] = (
                {"type": "output_text", "text": "", "annotations": []}
                if part_type == "output_text"
                else {"type": "refusal", "refusal": ""}
            )
            events.append(
                self._event(
                    "response.content_part.added",
                    **self._where("message"),
                    content_index=self._content_index[part_type],
                    part=empty,
                )
            )
        self._message[key] = self._message.get(key, "") + text
        delta: dict[str, Any] = {"delta": text}
        if logprobs is not None:
            delta["logprobs"] = logprobs
        kind = (
            "response.output_text.delta" if part_type == "output_text" else "response.refusal.delta"
        )
        events.append(
            self._event(
                kind,
                **self._where("message"),
                content_index=self._content_index[part_type],
                **delta,
            )
        )
        return events

    def _tool_call(self, delta: Any) -> list[TResponseStreamEvent]:
        if not isinstance(delta, dict):
            raise ModelBehaviorError(f"the model streamed a malformed tool call: {delta!r}")
        index = delta.get("index")
        if not isinstance(index, int):
            index = len(self._calls)
        call = self._calls.setdefault(
            index, {"id": None, "function": {"name": "", "arguments": ""}}
        )
        function = delta.get("function") or {}
        piece = function.get("arguments") or ""
        call["function"]["arguments"] += piece
        if function.get("name"):
            call["function"]["name"] = function["name"]
        for field in ("id", "type", "extra_content"):
            if delta.get(field):
                call[field] = delta[field]
        key = ("call", index)
        if key in self._output_index:
            if not piece:
                return []
            return [
                self._event(
                    "response.function_call_arguments.delta", **self._where(key), delta=piece
                )
            ]
        if (
            not (call["id"] and call["function"]["name"])
            or call.get("type", "function") != "function"
        ):
            return []
        item = {
            "type": "function_call",
            "id": FAKE_RESPONSES_ID,
            "call_id": call["id"],
            "name": call["function"]["name"],
            "arguments": "",
            "provider_data": self._provider_data(),
        }
        events = self._start(key, item)
        if call["function"]["arguments"]:
            events.append(
                self._event(
                    "response.function_call_arguments.delta",
                    **self._where(key),
                    delta=call["function"]["arguments"],
                )
            )
        return events

    def _done(self, key: Any, item: TResponseOutputItem) -> list[TResponseStreamEvent]:
        events = self._start(key, item)
        where = self._where(key)
        if item["type"] == "reasoning":
            text = item["summary"][0]["text"]
            events.append(
                self._event(
                    "response.reasoning_summary_text.done", **where, summary_index=0, text=text
                )
            )
            events.append(
                self._event(
                    "response.reasoning_summary_part.done",
                    **where,
                    summary_index=0,
                    part={"type": "summary_text", "text": text},
                )
            )
        elif item["type"] == "message":
            for position, part in enumerate(item["content"]):
                content_index = self._content_index.get(part["type"], position)
                if part["type"] == "output_text":
                    done = {"text": part["text"], "logprobs": part.get("logprobs", [])}
                    kind = "response.output_text.done"
                else:
                    done, kind = {"refusal": part["refusal"]}, "response.refusal.done"
                events.append(self._event(kind, **where, content_index=content_index, **done))
                events.append(
                    self._event(
                        "response.content_part.done",
                        **where,
                        content_index=content_index,
                        part=part,
                    )
                )
        elif item["type"] == "function_call":
            events.append(
                self._event(
                    "response.function_call_arguments.done",
                    **where,
                    name=item["name"],
                    arguments=item["arguments"],
                )
            )
        events.append(
            self._event("response.output_item.done", output_index=where["output_index"], item=item)
        )
        return events

"""Test helpers for programs built on durable_agents: `ScriptedModel`, a model that needs no
network, for tests and the offline demo: canned outputs, or a function of the request.

A list is indexed by the run's turn (the n-th model call of a run gets entry n), not by a counter
in worker memory, so a retried or replayed call after a worker crash gets the same answer.

With `stream_chunk_size`, a streamed call (`stream_response`) yields its reply as the Responses
API would stream it: text and function call arguments in deltas of that many characters.
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Any

from .exceptions import UserError
from .items import assistant_message
from .models import (
    Model,
    ModelRequest,
    ModelResponse,
    TResponseOutputItem,
    TResponseStreamEvent,
    response_completed_event,
    response_object,
)
from .usage import Usage

__all__ = ["ScriptFunction", "ScriptedModel", "ScriptedReply"]

ScriptedReply = ModelResponse | list[TResponseOutputItem] | TResponseOutputItem | str
ScriptFunction = Callable[[ModelRequest], ScriptedReply | Awaitable[ScriptedReply]]


def _as_response(reply: ScriptedReply, request: ModelRequest) -> ModelResponse:
    if isinstance(reply, ModelResponse):
        return reply
    if isinstance(reply, str):
        output = [assistant_message(reply)]
    elif isinstance(reply, dict):
        output = [reply]
    else:
        output = list(reply)
    text = "".join(str(item) for item in request.input)
    usage = Usage(requests=1, input_tokens=len(text) // 4 + 1, output_tokens=10)
    usage.total_tokens = usage.input_tokens + usage.output_tokens
    ctx = request.call_context
    return ModelResponse(output=output, usage=usage, response_id=f"resp_{ctx.run_id}_{ctx.turn}")


class ScriptedModel(Model):
    def __init__(
        self,
        script: Sequence[ScriptedReply] | ScriptFunction,
        *,
        stream_chunk_size: int | None = None,
    ) -> None:
        """`stream_chunk_size`: streamed calls get deltas of this many characters; None (the
        default) streams as a model that cannot stream, the completed response only."""
        if stream_chunk_size is not None and stream_chunk_size < 1:
            raise ValueError("stream_chunk_size must be 1 or more")
        self._script = script
        self.stream_chunk_size = stream_chunk_size
        self.requests: list[ModelRequest] = []
        """Requests seen by this worker process, for assertions in in-process tests."""

    async def stream_response(self, request: ModelRequest) -> AsyncIterator[TResponseStreamEvent]:
        response = await self.get_response(request)
        if self.stream_chunk_size is None:
            yield response_completed_event(response)
            return
        for event in _stream_events(response, self.stream_chunk_size):
            yield event

    async def get_response(self, request: ModelRequest) -> ModelResponse:
        self.requests.append(request)
        if callable(self._script):
            reply: Any = self._script(request)
            if inspect.isawaitable(reply):
                reply = await reply
        else:
            index = request.call_context.turn - 1
            if not 0 <= index < len(self._script):
                raise UserError(
                    f"ScriptedModel has {len(self._script)} replies; "
                    f"turn {request.call_context.turn} "
                    "asked for one more"
                )
            reply = self._script[index]
        return _as_response(reply, request)


def _stream_events(response: ModelResponse, chunk_size: int) -> Iterator[TResponseStreamEvent]:
    """The Responses API stream of `response`: created, each output item added, its deltas and
    done events, then completed."""
    sequence = itertools.count()

    def event(kind: str, **data: Any) -> TResponseStreamEvent:
        return {"type": kind, "sequence_number": next(sequence), **data}

    def chunks(text: str) -> list[str]:
        return [text[i : i + chunk_size] for i in range(0, len(text), chunk_size)]

    yield event("response.created", response=response_object(response, status="in_progress"))
    for index, item in enumerate(response.output):
        where = {"output_index": index, "item_id": item.get("id", "")}
        kind = item.get("type")
        if kind == "message" and isinstance(item.get("content"), list):
            started = {**item, "status": "in_progress", "content": []}
            yield event("response.output_item.added", output_index=index, item=started)
            for content_index, part in enumerate(item["content"]):
                at = {**where, "content_index": content_index}
                if part.get("type") == "output_text":
                    empty = {**part, "text": ""}
                    yield event("response.content_part.added", **at, part=empty)
                    for piece in chunks(part.get("text", "")):
                        yield event("response.output_text.delta", **at, delta=piece, logprobs=[])
                    text, logprobs = part.get("text", ""), part.get("logprobs", [])
                    yield event("response.output_text.done", **at, text=text, logprobs=logprobs)
                else:
                    yield event("response.content_part.added", **at, part=part)
                yield event("response.content_part.done", **at, part=part)
        elif kind == "function_call":
            started = {**item, "arguments": ""}
            yield event("response.output_item.added", output_index=index, item=started)
            arguments = item.get("arguments", "")
            for piece in chunks(arguments):
                yield event("response.function_call_arguments.delta", **where, delta=piece)
            yield event("response.function_call_arguments.done", **where, arguments=arguments)
        else:
            yield event("response.output_item.added", output_index=index, item=item)
        yield event("response.output_item.done", output_index=index, item=item)
    yield response_completed_event(response, sequence_number=next(sequence))

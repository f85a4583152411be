"""A scripted OpenAI-compatible HTTP server for tests and benchmarks.

It speaks just enough of `POST /v1/responses` and `POST /v1/chat/completions` (JSON and SSE) for
the real `openai` client to talk to it, so model code is exercised through the client's own
auth, serialisation, error and parsing paths. Replies describe *what* the model says (text, tool
calls, usage, an HTTP error); the server renders them in the shape of whichever endpoint was
called, so one script serves both APIs. It runs in a daemon thread with one thread per request,
which keeps it independent of any event loop and safe under concurrent callers.

    with FakeOpenAIServer() as server:
        server.enqueue(tool_call_reply("get_weather", {"city": "Paris"}), text_reply("Sunny"))
        client = AsyncOpenAI(api_key="test", base_url=server.base_url)
        ...
        assert server.requests[0].body["tools"][0]["name"] == "get_weather"
"""

from __future__ import annotations

import itertools
import json
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

Api = Literal["responses", "chat"]

_ROUTES: dict[str, Api] = {"/v1/responses": "responses", "/v1/chat/completions": "chat"}


@dataclass(frozen=True)
class ToolCall:
    """A function call the model makes; handoffs are function calls too."""

    name: str
    arguments: str = "{}"
    call_id: str | None = None
    """Generated (`call_<n>`) when None."""


@dataclass(frozen=True)
class TokenUsage:
    input_tokens: int = 10
    output_tokens: int = 5
    cached_tokens: int = 0
    reasoning_tokens: int = 0


@dataclass(frozen=True)
class Reply:
    """One scripted answer. With `body` set the server sends those bytes verbatim (errors,
    malformed output); otherwise it renders `text`/`tool_calls` for the endpoint called."""

    text: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    reasoning: str | None = None
    """A reasoning summary; rendered as a reasoning item (Responses) or `reasoning_content`."""
    usage: TokenUsage = field(default_factory=TokenUsage)
    status: int = 200
    body: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    delay: float = 0.0
    """Seconds to wait before answering, to provoke client timeouts."""
    stream_error: Mapping[str, Any] | None = None
    """When streamed: stop after `stream_error_after` events with this error (`message`,
    `type`, `code`), in the shape of the endpoint's in-stream errors."""
    stream_error_after: int = 0


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    """Lower-cased names."""
    body: Any
    """Parsed JSON, or None when the body was not JSON."""
    raw_body: bytes

    @property
    def api(self) -> Api | None:
        return _ROUTES.get(self.path)

    @property
    def stream(self) -> bool:
        return isinstance(self.body, dict) and bool(self.body.get("stream"))


Responder = Callable[[RecordedRequest], Reply]


# --- reply helpers -----------------------------------------------------------------------------


def text_reply(
    text: str, *, usage: TokenUsage | None = None, reasoning: str | None = None
) -> Reply:
    return Reply(text=text, usage=usage or TokenUsage(), reasoning=reasoning)


def json_reply(value: Any, *, usage: TokenUsage | None = None) -> Reply:
    """Structured output: the final text is `value` as JSON."""
    return text_reply(json.dumps(value), usage=usage)


def tool_call_reply(
    name: str,
    arguments: str | Mapping[str, Any] | None = None,
    *,
    call_id: str | None = None,
    text: str | None = None,
    usage: TokenUsage | None = None,
) -> Reply:
    return tool_calls_reply(tool_call(name, arguments, call_id=call_id), text=text, usage=usage)


def tool_calls_reply(
    *calls: ToolCall, text: str | None = None, usage: TokenUsage | None = None
) -> Reply:
    """Several calls in one turn (parallel tool calls), optionally after some text."""
    return Reply(text=text, tool_calls=calls, usage=usage or TokenUsage())


def tool_call(
    name: str, arguments: str | Mapping[str, Any] | None = None, *, call_id: str | None = None
) -> ToolCall:
    if arguments is None:
        arguments = "{}"
    elif not isinstance(arguments, str):
        arguments = json.dumps(arguments)
    return ToolCall(name=name, arguments=arguments, call_id=call_id)


def handoff_reply(tool_name: str, arguments: Mapping[str, Any] | None = None) -> Reply:
    """A handoff is the model calling the handoff's tool, e.g. `transfer_to_billing`."""
    return tool_call_reply(tool_name, arguments)


def error_reply(
    status: int,
    message: str,
    *,
    type: str = "invalid_request_error",
    code: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """An error in OpenAI's shape: `{"error": {"message", "type", "param", "code"}}`."""
    payload = {"error": {"message": message, "type": type, "param": None, "code": code}}
    return Reply(status=status, body=json.dumps(payload).encode(), headers=dict(headers or {}))


def rate_limit_reply(
    *, retry_after: float | None = None, retry_after_ms: float | None = None
) -> Reply:
    headers = {}
    if retry_after is not None:
        headers["retry-after"] = f"{retry_after:g}"
    if retry_after_ms is not None:
        headers["retry-after-ms"] = f"{retry_after_ms:g}"
    return error_reply(
        429,
        "Rate limit reached for requests",
        type="requests",
        code="rate_limit_exceeded",
        headers=headers,
    )


def server_error_reply(status: int = 500, message: str = "The server had an error") -> Reply:
    return error_reply(status, message, type="server_error")


def bad_request_reply(message: str = "Invalid request", *, code: str | None = None) -> Reply:
    return error_reply(400, message, code=code)


def malformed_reply(body: bytes = b'{"id": "resp_broken", "output": [') -> Reply:
    """A 200 whose body is not valid JSON, as from a broken proxy."""
    return Reply(body=body)


def slow_reply(reply: Reply, seconds: float) -> Reply:
    return replace(reply, delay=seconds)


def failing_stream_reply(
    reply: Reply,
    *,
    after: int,
    message: str = "The server had an error while processing your request.",
    type: str = "server_error",
    code: str | None = "server_error",
) -> Reply:
    """`reply`, but a streamed answer breaks off after `after` events (Responses events or chat
    chunks) with an error event, as a provider failing mid-reply sends after its 200."""
    error = {"message": message, "type": type, "code": code}
    return replace(reply, stream_error=error, stream_error_after=after)


# --- rendering ---------------------------------------------------------------------------------


def _function_call_items(reply: Reply, ids: Iterator[int]) -> list[dict[str, Any]]:
    items = []
    for call in reply.tool_calls:
        call_id = call.call_id or f"call_{next(ids)}"
        items.append(
            {
                "type": "function_call",
                "id": f"fc_{call_id}",
                "call_id": call_id,
                "name": call.name,
                "arguments": call.arguments,
                "status": "completed",
            }
        )
    return items


def _render_response(reply: Reply, request: dict[str, Any], ids: Iterator[int]) -> dict[str, Any]:
    n = next(ids)
    output: list[dict[str, Any]] = []
    if reply.reasoning is not None:
        output.append(
            {
                "type": "reasoning",
                "id": f"rs_{n}",
                "summary": [{"type": "summary_text", "text": reply.reasoning}],
            }
        )
    if reply.text is not None:
        output.append(
            {
                "type": "message",
                "id": f"msg_{n}",
                "role": "assistant",
                "status": "completed",
                "content": [
                    {"type": "output_text", "text": reply.text, "annotations": [], "logprobs": []}
                ],
            }
        )
    output.extend(_function_call_items(reply, ids))
    usage = reply.usage
    return {
        "id": f"resp_{n}",
        "object": "response",
        "created_at": int(time.time()),
        "status": "completed",
        "model": request.get("model", "fake-model"),
        "output": output,
        "parallel_tool_calls": request.get("parallel_tool_calls", True),
        "tool_choice": request.get("tool_choice", "auto"),
        "tools": request.get("tools", []),
        "previous_response_id": request.get("previous_response_id"),
        "usage": {
            "input_tokens": usage.input_tokens,
            "input_tokens_details": {"cached_tokens": usage.cached_tokens},
            "output_tokens": usage.output_tokens,
            "output_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
            "total_tokens": usage.input_tokens + usage.output_tokens,
        },
    }


def _chat_usage(usage: TokenUsage) -> dict[str, Any]:
    return {
        "prompt_tokens": usage.input_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.input_tokens + usage.output_tokens,
        "prompt_tokens_details": {"cached_tokens": usage.cached_tokens},
        "completion_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
    }


def _render_chat(reply: Reply, request: dict[str, Any], ids: Iterator[int]) -> dict[str, Any]:
    n = next(ids)
    message: dict[str, Any] = {"role": "assistant", "content": reply.text, "refusal": None}
    if reply.reasoning is not None:
        message["reasoning_content"] = reply.reasoning
    if reply.tool_calls:
        message["tool_calls"] = [
            {
                "id": item["call_id"],
                "type": "function",
                "function": {"name": item["name"], "arguments": item["arguments"]},
            }
            for item in _function_call_items(reply, ids)
        ]
    return {
        "id": f"chatcmpl-{n}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "fake-model"),
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if reply.tool_calls else "stop",
                "logprobs": None,
            }
        ],
        "usage": _chat_usage(reply.usage),
    }


def _sse(event: str | None, data: Any) -> bytes:
    head = f"event: {event}\n" if event else ""
    payload = data if isinstance(data, str) else json.dumps(data)
    return f"{head}data: {payload}\n\n".encode()


def _response_events(response: dict[str, Any]) -> list[bytes]:
    """The Responses event sequence: created, per item added/deltas/done, completed."""
    seq = itertools.count()
    events: list[bytes] = []

    def emit(kind: str, **data: Any) -> None:
        events.append(_sse(kind, {"type": kind, "sequence_number": next(seq), **data}))

    in_progress = {**response, "status": "in_progress", "output": [], "usage": None}
    emit("response.created", response=in_progress)
    emit("response.in_progress", response=in_progress)
    for index, item in enumerate(response["output"]):
        ref = {"output_index": index, "item_id": item["id"]}
        if item["type"] == "message":
            text = item["content"][0]["text"]
            emit(
                "response.output_item.added",
                output_index=index,
                item={**item, "status": "in_progress", "content": []},
            )
            part = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
            emit("response.content_part.added", **ref, content_index=0, part=part)
            for start in range(0, len(text), 8):
                delta = text[start : start + 8]
                emit("response.output_text.delta", **ref, content_index=0, delta=delta, logprobs=[])
            emit("response.output_text.done", **ref, content_index=0, text=text, logprobs=[])
            emit("response.content_part.done", **ref, content_index=0, part=item["content"][0])
        elif item["type"] == "function_call":
            emit(
                "response.output_item.added",
                output_index=index,
                item={**item, "status": "in_progress", "arguments": ""},
            )
            emit("response.function_call_arguments.delta", **ref, delta=item["arguments"])
            emit("response.function_call_arguments.done", **ref, arguments=item["arguments"])
        else:
            emit("response.output_item.added", output_index=index, item=item)
        emit("response.output_item.done", output_index=index, item=item)
    emit("response.completed", response=response)
    return events


def _chat_chunks(completion: dict[str, Any], include_usage: bool) -> list[bytes]:
    """Chat chunks: role, content pieces, one chunk per tool call, finish, usage, [DONE]."""
    base = {k: completion[k] for k in ("id", "created", "model")}
    choice = completion["choices"][0]
    message = choice["message"]

    def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> bytes:
        data = {
            **base,
            "object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
        }
        return _sse(None, data)

    chunks = [chunk({"role": "assistant", "content": ""})]
    reasoning = message.get("reasoning_content") or ""
    chunks.extend(
        chunk({"reasoning_content": reasoning[i : i + 8]}) for i in range(0, len(reasoning), 8)
    )
    text = message.get("content") or ""
    chunks.extend(chunk({"content": text[i : i + 8]}) for i in range(0, len(text), 8))
    for index, call in enumerate(message.get("tool_calls") or []):
        chunks.append(chunk({"tool_calls": [{"index": index, **call}]}))
    chunks.append(chunk({}, choice["finish_reason"]))
    if include_usage:
        usage_chunk = {
            **base,
            "object": "chat.completion.chunk",
            "choices": [],
            "usage": completion["usage"],
        }
        chunks.append(_sse(None, usage_chunk))
    chunks.append(_sse(None, "[DONE]"))
    return chunks


def _broken_off(reply: Reply, events: list[bytes], error_event: str | None) -> list[bytes]:
    """The stream as sent: cut short with an error when the reply says so. The Responses API
    sends an `error` event; Chat Completions a chunk whose `error` holds the error."""
    if reply.stream_error is None:
        return events
    kept = events[: reply.stream_error_after]
    if error_event is None:
        return [*kept, _sse(None, {"error": {**reply.stream_error, "param": None}})]
    data = {
        "type": "error",
        "sequence_number": len(kept),
        "code": reply.stream_error.get("code"),
        "message": reply.stream_error.get("message"),
        "param": None,
    }
    return [*kept, _sse(error_event, data)]


# --- server ------------------------------------------------------------------------------------


class FakeOpenAIServer:
    """Serves scripted replies; see the module docstring.

    Replies come from the queue (`enqueue`) first, then from `responder` (a fixed `Reply` or a
    function of the request). With neither, or when the responder raises, the server answers
    400, so a broken or under-scripted test fails fast instead of being retried."""

    def __init__(self, responder: Reply | Responder | None = None) -> None:
        self.responder = responder
        self._queue: deque[Reply] = deque()
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle

    def start(self) -> FakeOpenAIServer:
        if self._httpd is not None:
            return self
        self._stopping.clear()
        httpd = _HTTPServer(("127.0.0.1", 0), _handler_class(self))
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stops serving; slow replies still waiting are released at once."""
        if self._httpd is None:
            return
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("FakeOpenAIServer is not started")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    # scripting and inspection

    def enqueue(self, *replies: Reply) -> FakeOpenAIServer:
        with self._lock:
            self._queue.extend(replies)
        return self

    @property
    def pending(self) -> int:
        """Queued replies not yet served."""
        with self._lock:
            return len(self._queue)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def last_request(self) -> RecordedRequest:
        with self._lock:
            if not self._requests:
                raise AssertionError("FakeOpenAIServer has received no requests")
            return self._requests[-1]

    def restart_ids(self) -> None:
        """Numbers responses, items and requests from 1 again, so the same reply served twice
        (streamed and not) renders the same ids."""
        with self._lock:
            self._ids = itertools.count(1)

    def reset(self) -> None:
        """Forgets queued replies and recorded requests; keeps `responder`."""
        with self._lock:
            self._queue.clear()
            self._requests.clear()

    # request handling (called on the server's threads)

    def _next_reply(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self._requests.append(request)
            if self._queue:
                return self._queue.popleft()
        responder = self.responder
        if isinstance(responder, Reply):
            return responder
        if responder is not None:
            try:
                return responder(request)
            except Exception as exc:  # report it to the test instead of dropping the connection
                return error_reply(400, f"FakeOpenAIServer responder raised {exc!r}")
        return error_reply(
            400, f"FakeOpenAIServer: no scripted reply left for {request.method} {request.path}"
        )

    def _render(self, reply: Reply, request: RecordedRequest) -> tuple[str, list[bytes]]:
        """Content type and body chunks (one chunk unless streaming)."""
        if reply.body is not None:
            return reply.content_type, [reply.body]
        body = request.body if isinstance(request.body, dict) else {}
        if request.api == "responses":
            rendered = _render_response(reply, body, self._ids)
            if request.stream:
                return "text/event-stream", _broken_off(reply, _response_events(rendered), "error")
        else:
            rendered = _render_chat(reply, body, self._ids)
            if request.stream:
                include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
                chunks = _chat_chunks(rendered, include_usage)
                return "text/event-stream", _broken_off(reply, chunks, None)
        return "application/json", [json.dumps(rendered).encode()]


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    """The default backlog of 5 resets connections when a benchmark opens many at once."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet when a client drops a pooled keep-alive connection: that is routine."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler_class(server: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in separate writes; without this, Nagle's algorithm and
            # delayed ACKs add ~40 ms to every reply.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_POST(self) -> None:
            if server._stopping.is_set():
                # A pooled keep-alive connection outlived stop(): drop it like a dead server.
                self.close_connection = True
                return
            url = urlsplit(self.path)
            raw = self.rfile.read(int(self.headers.get("content-length") or 0))
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            request = RecordedRequest(
                method="POST",
                path=url.path,
                query=dict(parse_qsl(url.query)),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
                raw_body=raw,
            )
            if request.api is None:
                reply = error_reply(404, f"FakeOpenAIServer: unknown path {url.path}")
                with server._lock:
                    server._requests.append(request)
            else:
                reply = server._next_reply(request)
            if reply.delay and server._stopping.wait(reply.delay):
                self.close_connection = True
                return
            content_type, chunks = server._render(reply, request)
            try:
                self._send(reply, content_type, chunks)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (e.g. timed out); nothing to tell it

        def _send(self, reply: Reply, content_type: str, chunks: list[bytes]) -> None:
            self.send_response(reply.status)
            self.send_header("content-type", content_type)
            self.send_header("x-request-id", f"req_{next(server._ids)}")
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if content_type == "text/event-stream":
                self.send_header("transfer-encoding", "chunked")
                self.end_headers()
                for chunk in chunks:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
            else:
                payload = b"".join(chunks)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            self.wfile.flush()

        def log_message(self, format: str, *args: Any) -> None:
            """Silenced: tests assert on `requests` instead of reading stderr."""

    return Handler

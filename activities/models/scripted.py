"""A scripted model for tests and the offline demo: canned outputs, or a function of the request.

A list is indexed by the run's turn (the n-th model call of a run gets entry n), not by a counter
in worker memory, so a retried or replayed call after a worker crash gets the same answer.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from durable_agents.exceptions import UserError
from durable_agents.items import assistant_message
from durable_agents.models import Model, ModelRequest, ModelResponse, TResponseOutputItem
from durable_agents.usage import Usage

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
    def __init__(self, script: Sequence[ScriptedReply] | ScriptFunction) -> None:
        self._script = script
        self.requests: list[ModelRequest] = []
        """Requests seen by this worker process, for assertions in in-process tests."""

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

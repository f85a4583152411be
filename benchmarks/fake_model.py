"""The scripted model every system talks to: `tests.support.fake_openai.FakeOpenAIServer` in a
process of its own (so its threads take no CPU or GIL from a measured worker), answering at once.

    python -m benchmarks.fake_model      # prints `URL <base url>`, serves until stdin closes

It reads `turns=N` from the run's first user message and calls `lookup` with the next `n` until
the request carries N tool outputs, then answers with plain text (see `benchmarks.common`).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from tests.support.fake_openai import (
    FakeOpenAIServer,
    RecordedRequest,
    Reply,
    error_reply,
    text_reply,
    tool_call_reply,
)

from .common import FINAL_ANSWER, TOOL_NAME, turns_in


def _items(request: RecordedRequest) -> list[dict[str, Any]]:
    body = request.body if isinstance(request.body, dict) else {}
    items = body.get("input") if request.api == "responses" else body.get("messages")
    if isinstance(items, str):
        return [{"role": "user", "content": items}]
    return [i for i in items or [] if isinstance(i, dict)]


def _is_tool_output(item: dict[str, Any]) -> bool:
    return item.get("type") == "function_call_output" or item.get("role") == "tool"


def respond(request: RecordedRequest) -> Reply:
    items = _items(request)
    wanted = next(
        (n for n in (turns_in(json.dumps(i)) for i in items[:4]) if n is not None),
        None,
    )
    if wanted is None:
        return error_reply(400, "benchmark prompt without turns=N")
    done = sum(1 for i in items if _is_tool_output(i))
    if done < wanted:
        return tool_call_reply(TOOL_NAME, {"n": done})
    return text_reply(FINAL_ANSWER)


def main() -> None:
    server = FakeOpenAIServer()
    served = 0

    def forgetful(request: RecordedRequest) -> Reply:
        # The server records every request; a long benchmark would hold them all.
        nonlocal served
        served += 1
        if served % 100 == 0:
            server.reset()
        return respond(request)

    server.responder = forgetful
    with server:
        print(f"URL {server.base_url}", flush=True)
        for _ in sys.stdin:  # serve until the parent closes our stdin (or dies)
            pass


if __name__ == "__main__":
    main()

"""Client-side CPU per model call: the SDK's typed methods versus our plain-JSON `post` path.

    .venv/bin/python -m benchmarks.model_cpu [--calls 200]

Both paths build the same body from the same `ModelRequest` and talk to the same
`FakeOpenAIServer`; "typed" then calls `client.responses.create(**body)` (or
`chat.completions.create`) and dumps the typed output items, as the reference does, while "post"
is our model's `get_response`. CPU is `time.thread_time()` of the calling thread only, so the
fake server's threads are not counted; network waits cost no CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from openai import AsyncOpenAI

from activities.models.openai_chat import OpenAIChatCompletionsModel, parse_completion
from activities.models.openai_responses import OpenAIResponsesModel, parse_response
from durable_agents.model_settings import ModelSettings
from durable_agents.models import ModelRequest, ToolDefinition
from tests.support.fake_openai import FakeOpenAIServer, tool_call_reply

SIZES = (5, 50)


def conversation(n: int) -> list[dict[str, Any]]:
    """`n` items shaped like a tool-using agent's history: user turns, reasoning, tool calls,
    tool outputs and assistant answers of realistic length."""
    items: list[dict[str, Any]] = []
    for i in range(n):
        kind = i % 5
        if kind == 0:
            items.append(
                {"role": "user", "content": f"Question {i}: " + "please look into it " * 15}
            )
        elif kind == 1:
            items.append(
                {
                    "type": "reasoning",
                    "id": f"rs_{i}",
                    "summary": [{"type": "summary_text", "text": "Thinking it over. " * 20}],
                }
            )
        elif kind == 2:
            items.append(
                {
                    "type": "function_call",
                    "id": f"fc_{i}",
                    "call_id": f"call_{i}",
                    "name": "search_orders",
                    "arguments": json.dumps({"customer_id": i, "status": "open", "limit": 20}),
                    "status": "completed",
                }
            )
        elif kind == 3:
            rows = [{"order": f"A{i}{r}", "total": r * 9.5, "items": ["x", "y"]} for r in range(8)]
            items.append(
                {
                    "type": "function_call_output",
                    "call_id": f"call_{i - 1}",
                    "output": json.dumps(rows),
                }
            )
        else:
            items.append(
                {
                    "type": "message",
                    "id": f"msg_{i}",
                    "role": "assistant",
                    "status": "completed",
                    "content": [
                        {
                            "type": "output_text",
                            "text": "Here is what I found. " * 25,
                            "annotations": [],
                        }
                    ],
                }
            )
    return items


def request(n: int) -> ModelRequest:
    schema = {
        "type": "object",
        "properties": {"customer_id": {"type": "integer"}, "status": {"type": "string"}},
        "required": ["customer_id", "status"],
        "additionalProperties": False,
    }
    tools = [
        ToolDefinition(
            name=f"tool_{t}", description="Looks something up.", params_json_schema=schema
        )
        for t in range(5)
    ]
    return ModelRequest(
        system_instructions="You are a helpful support agent. " * 10,
        input=conversation(n),
        tools=tools,
        model_settings=ModelSettings(temperature=0.3, max_tokens=512, parallel_tool_calls=True),
    )


async def cpu_per_call(call: Callable[[], Awaitable[object]], calls: int) -> float:
    """Mean CPU milliseconds of this thread per call, after a warm-up."""
    for _ in range(10):
        await call()
    start = time.thread_time()
    for _ in range(calls):
        await call()
    return (time.thread_time() - start) * 1000 / calls


async def measure(client: AsyncOpenAI, api: str, n: int, calls: int) -> tuple[float, float, float]:
    """Body size in KB, then CPU ms per call for the typed path and for our model."""
    req = request(n)
    if api == "responses":
        model: OpenAIResponsesModel | OpenAIChatCompletionsModel = OpenAIResponsesModel(
            "gpt-4.1", client
        )

        async def typed() -> None:
            response = await client.responses.create(**model.build_body(req))
            output = [o.model_dump(mode="json", exclude_none=True) for o in response.output]
            usage = response.usage.model_dump() if response.usage else None
            parse_response({"id": response.id, "output": output, "usage": usage})

    else:
        model = OpenAIChatCompletionsModel("gpt-4.1", client)

        async def typed() -> None:
            completion = await client.chat.completions.create(**model.build_body(req))
            parse_completion(completion.model_dump(mode="json", exclude_none=True), "gpt-4.1")

    size = len(json.dumps(model.build_body(req))) / 1024
    before = await cpu_per_call(typed, calls)
    after = await cpu_per_call(lambda: model.get_response(req), calls)
    return size, before, after


async def main(calls: int) -> None:
    reply = tool_call_reply("tool_1", {"customer_id": 1, "status": "open"})
    with FakeOpenAIServer(responder=reply) as server:
        client = AsyncOpenAI(api_key="sk-bench", base_url=server.base_url, max_retries=0)
        print(
            f"{'API':<10} {'items':>5} {'body KB':>8} {'typed ms':>9} {'post ms':>8} {'saved':>6}"
        )
        for n in SIZES:
            for api in ("responses", "chat"):
                size, before, after = await measure(client, api, n, calls)
                saved = 1 - after / before
                print(f"{api:<10} {n:>5} {size:>8.1f} {before:>9.2f} {after:>8.2f} {saved:>6.0%}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="timed calls per cell")
    asyncio.run(main(parser.parse_args().calls))

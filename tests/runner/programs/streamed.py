"""An SDK-style streamed program: `Runner.run_streamed` returns at once, events are told apart
with `isinstance` (the raw ones are openai's own types), and the result's fields are set as the
stream goes. The argument picks how the program reads: `read` as it goes, `late` only after the
run ended, `never` not at all, `cancel` / `stop` cancelling (after the turn / at once) when the
tool is called."""

import asyncio
import json
import sys

from openai.types.responses import ResponseTextDeltaEvent

from durable_agents import (
    Agent,
    AgentUpdatedStreamEvent,
    RawResponsesStreamEvent,
    RunItemStreamEvent,
    Runner,
    function_tool,
)
from durable_agents.items import function_call
from durable_agents.testing import ScriptedModel

CANCEL_MODES = {"cancel": "after_turn", "stop": "immediate"}


async def read(result, agent) -> dict:
    kinds: list[str] = []
    agents: set[bool] = set()
    deltas = ""
    async for event in result.stream_events():
        if isinstance(event, RawResponsesStreamEvent):
            if isinstance(event.data, ResponseTextDeltaEvent):
                deltas += event.data.delta
        elif isinstance(event, RunItemStreamEvent):
            kinds.append(event.name)
            agents.add(event.item.agent is agent)
            if how in CANCEL_MODES and event.name == "tool_called":
                result.cancel(mode=CANCEL_MODES[how])
        elif isinstance(event, AgentUpdatedStreamEvent):
            kinds.append(f"agent:{event.new_agent.name}")
            agents.add(event.new_agent is agent)
    return {"deltas": deltas, "kinds": kinds, "agent_objects": sorted(agents)}


async def main() -> None:
    @function_tool
    async def how_many() -> int:
        """How many there are."""
        if how in CANCEL_MODES:
            await asyncio.sleep(1)  # the reader cancels while this turn goes on
        return 3

    agent = Agent(
        name="counter",
        tools=[how_many],
        model=ScriptedModel(
            [[function_call("how_many", {}, call_id="c1")], "There are three of them."],
            stream_chunk_size=4,
        ),
    )
    result = Runner.run_streamed(agent, input="How many?")
    report: dict = {"complete_at_once": result.is_complete}
    if how == "never":
        print(json.dumps(report))
        return
    if how == "late":
        while not result.is_complete:  # noqa: ASYNC110 - what a program without an event does
            await asyncio.sleep(0.05)
    report.update(await read(result, agent))
    report.update(
        complete=result.is_complete,
        status=result.status,
        final_output=result.final_output,
        last_agent=result.last_agent is agent,
        items=len(result.new_items),
        turns=result.current_turn,
    )
    print(json.dumps(report))


if __name__ == "__main__":
    how = sys.argv[1]
    asyncio.run(main())

"""An SDK-style program: agents built inside main(), a Model object, a hooks object, a session
object and a mutable context, run with `Runner.run_sync` and `Runner.run`. Only its import
lines name durable_agents. Prints what it saw as one JSON line."""

import asyncio
import json
import sys
import threading
from dataclasses import dataclass, field

from durable_agents import Agent, RunContextWrapper, RunHooks, Runner, SQLiteSession, function_tool
from durable_agents.items import function_call
from durable_agents.testing import ScriptedModel


@dataclass
class Trip:
    cities: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)  # no JSON form: stays here


class CountTools(RunHooks):
    def __init__(self) -> None:
        self.tools_ended = 0

    async def on_tool_end(self, context, agent, tool, result) -> None:
        self.tools_ended += 1


def main() -> None:
    @function_tool
    def visit(ctx: RunContextWrapper[Trip], city: str) -> str:
        """Visit a city."""
        with ctx.context.lock:
            ctx.context.cities.append(city)
        return f"visited {city}"

    guide = Agent(name="guide", model=ScriptedModel(lambda request: "Rome was lovely."))
    planner = Agent(
        name="planner",
        tools=[visit],
        handoffs=[guide],
        model=ScriptedModel(
            [
                [function_call("visit", {"city": "Rome"}, call_id="c1")],
                [function_call("transfer_to_guide", {}, call_id="c2")],
            ]
        ),
    )
    trip, hooks = Trip(), CountTools()
    session = SQLiteSession("trip-1", sys.argv[1])
    result = Runner.run_sync(planner, "Plan a trip", context=trip, hooks=hooks, session=session)

    async def again() -> str:
        follow = await Runner.run(guide, "And tomorrow?", session=session)
        try:
            Runner.run_sync(guide, "inside a loop")
        except RuntimeError as e:
            return f"{follow.final_output} | {e}"
        return "run_sync did not refuse"

    report = {
        "final_output": result.final_output,
        "last_agent": result.last_agent.name,
        "last_agent_is_the_guide": result.last_agent is guide,
        "context_is_the_trip": result.context_wrapper.context is trip,
        "item_agents": sorted({item.agent.name for item in result.new_items}),
        "item_agents_are_objects": all(i.agent in (planner, guide) for i in result.new_items),
        "cities": trip.cities,
        "tools_ended": hooks.tools_ended,
        "again": asyncio.run(again()),
        "session_items": len(asyncio.run(session.get_items())),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()

"""The floor's workflow: the same round trips as an agent run, with nothing in them.

One no-op activity per model call and one per tool call, awaited one after the other, with the
SDK's default (JSON) converter and no extra options: what any Temporal workflow making those
calls pays at least. Kept apart from the driver so the workflow sandbox imports only this.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow

TIMEOUT = timedelta(minutes=1)


@activity.defn(name="floor.model")
async def model_call(turn: int) -> int:
    return turn


@activity.defn(name="floor.tool")
async def tool_call(turn: int) -> int:
    return turn


@workflow.defn(name="FloorWorkflow")
class FloorWorkflow:
    def __init__(self) -> None:
        self._turn = 0

    @workflow.query(name="turn")
    def turn(self) -> int:
        return self._turn

    @workflow.run
    async def run(self, tool_turns: int) -> str:
        for turn in range(tool_turns + 1):
            self._turn = turn + 1
            await workflow.execute_activity(model_call, turn, start_to_close_timeout=TIMEOUT)
            if turn < tool_turns:
                await workflow.execute_activity(tool_call, turn, start_to_close_timeout=TIMEOUT)
        return "done"

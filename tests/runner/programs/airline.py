"""The SDK's customer-service flow, cut down: triage hands off to seat booking, whose handoff
callback finds the flight number the seat tool needs later (the context carries it).

Run as a script (`airline.py RUN_ID LOG RESUMED`) it is an SDK program with `Runner.run_sync`;
`registry` serves the same agents from `python -m worker`. The seat tool logs to the context's
`log` file and, until the `resumed` file exists, waits: a test kills the process serving it
there."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from durable_agents import Agent, AgentRegistry, RunContextWrapper, Runner, function_tool, handoff
from durable_agents.items import function_call
from durable_agents.testing import ScriptedModel


@dataclass
class AirlineContext:
    passenger: str
    log: str
    resumed: str
    flight_number: str | None = None
    seat: str | None = None


def _record(ctx: RunContextWrapper[AirlineContext], event: str) -> None:
    with Path(ctx.context.log).open("a") as f:
        f.write(event + "\n")


def on_seat_booking_handoff(ctx: RunContextWrapper[AirlineContext]) -> None:
    ctx.context.flight_number = "FLT-123"
    _record(ctx, "handoff")


@function_tool
def update_seat(ctx: RunContextWrapper[AirlineContext], seat: str) -> str:
    """Moves the passenger to another seat."""
    _record(ctx, "seat start")
    while not Path(ctx.context.resumed).exists():
        time.sleep(0.05)
    if ctx.context.flight_number is None:
        return "Flight number is required"
    ctx.context.seat = seat
    _record(ctx, f"seat end {ctx.context.flight_number}")
    return f"{ctx.context.passenger} is in {seat} on {ctx.context.flight_number}"


def build(scripted: bool = True) -> Agent[Any]:
    """The agents; with `scripted=False` they name their model, for a program whose runs a
    cluster's workers serve with their own definitions."""

    def model(script: list[Any]) -> Any:
        return ScriptedModel(script) if scripted else "scripted"

    seat_booking = Agent(
        name="seat_booking",
        tools=[update_seat],
        model=model(["-", [function_call("update_seat", {"seat": "12A"}, call_id="s1")], "Done."]),
    )
    return Agent(
        name="triage",
        handoffs=[handoff(seat_booking, on_handoff=on_seat_booking_handoff)],
        model=model([[function_call("transfer_to_seat_booking", {}, call_id="h1")]]),
    )


registry = AgentRegistry([build()], context_type=AirlineContext)


def main() -> None:
    run_id, log, resumed = sys.argv[1:4]
    connected = len(sys.argv) > 4 and sys.argv[4] == "connected"
    context = AirlineContext(passenger="Ada", log=log, resumed=resumed)
    result = Runner.run_sync(
        build(scripted=not connected), "Change my seat", context=context, run_id=run_id
    )
    outputs = [i.raw_item["output"] for i in result.new_items if i.type == "tool_call_output_item"]
    report = {"final_output": result.final_output, "tool_outputs": outputs}
    report["context"] = asdict(context)  # the program's own object, as the run left it
    report["same_object"] = result.context_wrapper.context is context
    print(json.dumps(report))


if __name__ == "__main__":
    main()

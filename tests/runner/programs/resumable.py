"""A `Runner.run_sync` script that a test kills mid-run and starts again with the same run id.

Each tool logs when it starts and ends to the file in argv[2]; `slow` waits, in the first
process only, until the test kills it (argv[3] names a file that exists once resumed)."""

import json
import sys
import time
from pathlib import Path

from durable_agents import Agent, Runner, function_tool
from durable_agents.items import function_call
from durable_agents.testing import ScriptedModel


def main() -> None:
    run_id, log, resumed = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])

    def record(event: str) -> None:
        with log.open("a") as f:
            f.write(event + "\n")

    @function_tool
    def quick() -> str:
        """A tool that completes before the kill."""
        record("quick start")
        record("quick end")
        return "quick done"

    @function_tool
    def slow() -> str:
        """A tool the first process is killed in."""
        record("slow start")
        while not resumed.exists():
            time.sleep(0.05)
        record("slow end")
        return "slow done"

    agent = Agent(
        name="resumable",
        tools=[quick, slow],
        model=ScriptedModel(
            [
                [function_call("quick", {}, call_id="q")],
                [function_call("slow", {}, call_id="s")],
                "all done",
            ]
        ),
    )
    result = Runner.run_sync(agent, "go", run_id=run_id)
    print(json.dumps({"final_output": result.final_output, "run_id": result.run_id}))


if __name__ == "__main__":
    main()

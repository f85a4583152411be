"""Input, output and tool guardrails, with tripwires, on a real Temporal server."""

from __future__ import annotations

import asyncio

from durable_agents import (
    Agent,
    AgentRegistry,
    GuardrailFunctionOutput,
    RunConfig,
    ToolGuardrailFunctionOutput,
    function_tool,
    input_guardrail,
    output_guardrail,
    tool_input_guardrail,
    tool_output_guardrail,
)
from durable_agents.items import function_call
from durable_agents.testing import ScriptedModel


@input_guardrail(run_in_parallel=False)
def no_pii_blocking(ctx, agent, input):
    return GuardrailFunctionOutput(
        output_info={"checked": input}, tripwire_triggered="SSN" in str(input)
    )


@input_guardrail
async def slow_parallel_check(ctx, agent, input):
    await asyncio.sleep(0.3)
    return GuardrailFunctionOutput(
        output_info="slow ok", tripwire_triggered="forbidden" in str(input)
    )


@output_guardrail
def no_secrets(ctx, agent, output):
    return GuardrailFunctionOutput(output_info=None, tripwire_triggered="secret" in output)


async def test_blocking_input_guardrail_trips_before_any_model_call(harness_for):
    model = ScriptedModel(["never"])
    agent = Agent(name="a", input_guardrails=[no_pii_blocking], model=model)
    async with harness_for(AgentRegistry([agent])) as h:
        error = await h.run_failure("a", "my SSN is 123")
    assert error.type == "InputGuardrailTripwireTriggered"
    assert "no_pii_blocking" in error.message
    assert error.details[1]["guardrail_name"] == "no_pii_blocking"
    assert error.details[1]["output"]["output_info"] == {"checked": "my SSN is 123"}
    assert model.requests == []


async def test_parallel_input_guardrail_runs_beside_the_model_and_its_tripwire_ends_the_run(
    harness_for,
):
    model = ScriptedModel(["answer"])
    agent = Agent(name="a", input_guardrails=[slow_parallel_check], model=model)
    async with harness_for(AgentRegistry([agent])) as h:
        error = await h.run_failure("a", "something forbidden")
        assert error.type == "InputGuardrailTripwireTriggered"
        # The model call started without waiting for the parallel guardrail.
        assert len(model.requests) == 1
        ok = await h.run("a", "fine")
    assert ok.final_output == "answer"
    assert [r.guardrail_name for r in ok.input_guardrail_results] == ["slow_parallel_check"]
    assert ok.input_guardrail_results[0].output.output_info == "slow ok"


async def test_run_config_names_registry_level_guardrails(harness_for):
    agent = Agent(name="a", model=ScriptedModel(["the secret is 42"]))
    registry = AgentRegistry(
        [agent], input_guardrails=[no_pii_blocking], output_guardrails=[no_secrets]
    )
    async with harness_for(registry) as h:
        error = await h.run_failure(
            "a",
            "hi",
            run_config=RunConfig(
                output_guardrails=["no_secrets"], input_guardrails=["no_pii_blocking"]
            ),
        )
        assert error.type == "OutputGuardrailTripwireTriggered"
        assert error.details[0]["input_guardrail_results"][0]["guardrail_name"] == "no_pii_blocking"
        unknown = await h.run_failure("a", "hi", run_config=RunConfig(output_guardrails=["nope"]))
    assert unknown.type == "UserError" and "nope" in unknown.message


async def test_output_guardrail_tripwire_and_pass(harness_for):
    agent = Agent(
        name="a",
        output_guardrails=[no_secrets],
        model=ScriptedModel(lambda r: r.input[0]["content"]),
    )
    async with harness_for(AgentRegistry([agent])) as h:
        error = await h.run_failure("a", "a secret")
        ok = await h.run("a", "public")
    assert error.type == "OutputGuardrailTripwireTriggered"
    assert error.details[1]["agent_output"] == "a secret"
    assert ok.final_output == "public"
    assert ok.output_guardrail_results[0].guardrail_name == "no_secrets"
    assert ok.output_guardrail_results[0].output.tripwire_triggered is False


executed: list[str] = []


@tool_input_guardrail
def block_admin(data):
    if "admin" in data.context.tool_arguments:
        return ToolGuardrailFunctionOutput.reject_content("admin accounts are off limits")
    if "root" in data.context.tool_arguments:
        return ToolGuardrailFunctionOutput.raise_exception(output_info="root")
    return ToolGuardrailFunctionOutput.allow()


@tool_output_guardrail
def redact(data):
    if "password" in str(data.output):
        return ToolGuardrailFunctionOutput.reject_content("[redacted]")
    return ToolGuardrailFunctionOutput.allow()


@function_tool(tool_input_guardrails=[block_admin], tool_output_guardrails=[redact])
def read_account(name: str) -> str:
    """Read an account."""
    executed.append(name)
    return f"{name} password=hunter2" if name == "bob" else f"{name} ok"


async def test_tool_guardrails_reject_content_and_raise(harness_for):
    executed.clear()
    model = ScriptedModel(
        [
            [
                function_call("read_account", {"name": "admin"}, call_id="c1"),
                function_call("read_account", {"name": "bob"}, call_id="c2"),
                function_call("read_account", {"name": "amy"}, call_id="c3"),
            ],
            "done",
        ]
    )
    agent = Agent(name="a", tools=[read_account], model=model)
    async with harness_for(AgentRegistry([agent])) as h:
        result = await h.run("a", "go")
        outputs = {
            i.raw_item["call_id"]: i.raw_item["output"]
            for i in result.new_items
            if i.type == "tool_call_output_item"
        }
        assert outputs == {
            "c1": "admin accounts are off limits",
            "c2": "[redacted]",
            "c3": "amy ok",
        }
        assert sorted(executed) == ["amy", "bob"]
        assert len(result.tool_input_guardrail_results) == 3
        assert len(result.tool_output_guardrail_results) == 2

        tripping = ScriptedModel(
            [[function_call("read_account", {"name": "root"}, call_id="r1")], "x"]
        )
        registry = AgentRegistry([Agent(name="b", tools=[read_account], model=tripping)])
    async with harness_for(registry) as h:
        error = await h.run_failure("b", "go")
    assert error.type == "ToolInputGuardrailTripwireTriggered"
    assert "root" not in executed

"""Bad input gets a clear error and never a workflow task stuck in a retry loop."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from pydantic import BaseModel
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import ApplicationError

from client.failures import run_exception
from durable_agents import (
    Agent,
    AgentHooks,
    AgentRegistry,
    RunHooks,
    UserError,
    function_tool,
    input_guardrail,
    tool_input_guardrail,
    tool_output_guardrail,
)
from durable_agents.items import function_call
from durable_agents.testing import ScriptedModel


@function_tool
def divide(a: int, b: int) -> float:
    """Divide a by b."""
    return a / b


@function_tool(failure_error_function=None)
def strict_divide(a: int, b: int) -> float:
    """Divide a by b; errors fail the run."""
    return a / b


async def test_unknown_agent_fails_fast_with_the_registered_names(harness_for):
    agent = Agent(name="known", model=ScriptedModel(["x"]))
    async with harness_for(AgentRegistry([agent])) as h:
        error = await asyncio.wait_for(h.run_failure("nobody", "hi"), 20)
    assert error.type == "UnknownAgentError"
    assert "nobody" in error.message and "known" in error.message


async def test_model_calling_an_unknown_tool_is_a_model_behavior_error(harness_for):
    agent = Agent(
        name="a",
        tools=[divide],
        model=ScriptedModel([[function_call("explode", {}, call_id="c1")]]),
    )
    async with harness_for(AgentRegistry([agent])) as h:
        error = await h.run_failure("a", "hi")
    assert error.type == "ModelBehaviorError"
    assert error.message == "Tool explode not found in agent a"


async def test_malformed_tool_arguments_are_fed_back_to_the_model(harness_for):
    bad = function_call("divide", "{not json", call_id="c1")
    invalid = function_call("divide", {"a": "x", "b": 1}, call_id="c2")
    model = ScriptedModel([[bad, invalid], "recovered"])
    agent = Agent(name="a", tools=[divide], model=model)
    async with harness_for(AgentRegistry([agent])) as h:
        result = await h.run("a", "hi")
    assert result.final_output == "recovered"
    outputs = [i.raw_item["output"] for i in result.new_items if i.type == "tool_call_output_item"]
    assert outputs[0].startswith(
        "An error occurred while running the tool. Please try again. "
        "Error: Invalid JSON input for tool divide"
    )
    assert "Invalid JSON input for tool divide" in outputs[1]
    # The model saw those outputs on its next turn.
    assert model.requests[1].input[-1]["output"] == outputs[1]


async def test_a_tool_that_raises_becomes_its_error_output(harness_for):
    model = ScriptedModel([[function_call("divide", {"a": 1, "b": 0}, call_id="c1")], "ok"])
    agent = Agent(name="a", tools=[divide], model=model)
    async with harness_for(AgentRegistry([agent])) as h:
        result = await h.run("a", "hi")
    output = [i for i in result.new_items if i.type == "tool_call_output_item"][0]
    assert output.raw_item["output"] == (
        "An error occurred while running the tool. Please try again. Error: division by zero"
    )


async def test_a_tool_without_failure_function_fails_the_run_once_with_user_error(harness_for):
    """As the reference: `UserError("Error running tool NAME: ERROR")` reaches the caller."""
    model = ScriptedModel([[function_call("strict_divide", {"a": 1, "b": 0}, call_id="c1")], "ok"])
    agent = Agent(name="a", tools=[strict_divide], model=model)
    async with harness_for(AgentRegistry([agent])) as h:
        with pytest.raises(WorkflowFailureError) as info:
            await asyncio.wait_for(h.run("a", "hi"), 20)
    error = info.value.cause
    assert isinstance(error, ApplicationError)
    assert error.type == "UserError"
    assert error.message == "Error running tool strict_divide: division by zero"
    assert error.details[0]["new_items"][0]["type"] == "tool_call_item"
    assert len(model.requests) == 1
    raised = run_exception(info.value)
    assert type(raised) is UserError
    assert str(raised) == "Error running tool strict_divide: division by zero"
    assert raised.run_data is not None and raised.run_data.new_items[0].type == "tool_call_item"


@tool_input_guardrail
def broken_input_check(data):
    raise RuntimeError("input check down")


@tool_output_guardrail
def broken_output_check(data):
    raise RuntimeError("output check down")


@function_tool(tool_input_guardrails=[broken_input_check])
def guarded_in(x: int) -> int:
    """Echo x."""
    return x


@function_tool(tool_output_guardrails=[broken_output_check])
def guarded_out(x: int) -> int:
    """Echo x."""
    return x


class BrokenRunHooks(RunHooks):
    def __init__(self, event: str) -> None:
        self.event = event

    async def on_tool_start(self, context, agent, tool) -> None:
        if self.event == "start":
            raise RuntimeError("run hook down")

    async def on_tool_end(self, context, agent, tool, result) -> None:
        if self.event == "end":
            raise RuntimeError("run hook down")


class BrokenAgentHooks(AgentHooks):
    def __init__(self, event: str) -> None:
        self.event = event

    async def on_tool_start(self, context, agent, tool) -> None:
        if self.event == "start":
            raise RuntimeError("agent hook down")

    async def on_tool_end(self, context, agent, tool, result) -> None:
        if self.event == "end":
            raise RuntimeError("agent hook down")


@pytest.mark.parametrize(
    ("tool", "run_hooks", "agent_hooks", "message"),
    [
        (guarded_in, None, None, "Error running tool guarded_in: input check down"),
        (guarded_out, None, None, "Error running tool guarded_out: output check down"),
        (divide, BrokenRunHooks("start"), None, "Error running tool divide: run hook down"),
        (divide, BrokenRunHooks("end"), None, "Error running tool divide: run hook down"),
        (divide, None, BrokenAgentHooks("start"), "Error running tool divide: agent hook down"),
        (divide, None, BrokenAgentHooks("end"), "Error running tool divide: agent hook down"),
    ],
    ids=["input-guardrail", "output-guardrail", "run-start", "run-end", "agent-start", "agent-end"],
)
async def test_a_tool_guardrail_or_tool_hook_that_raises_is_a_user_error(
    harness_for, tool, run_hooks, agent_hooks, message
):
    """As the reference (0.6.8): the tool's guardrails and its start/end hooks run with the
    tool, and what they raise is `UserError("Error running tool NAME: ERROR")`."""
    arguments = {"a": 4, "b": 2} if tool is divide else {"x": 1}
    model = ScriptedModel([[function_call(tool.name, arguments, call_id="c1")]])
    agent = Agent(name="a", tools=[tool], hooks=agent_hooks, model=model)
    async with harness_for(AgentRegistry([agent], hooks=run_hooks)) as h:
        with pytest.raises(WorkflowFailureError) as info:
            await asyncio.wait_for(h.run("a", "hi"), 20)
    error = info.value.cause
    assert isinstance(error, ApplicationError) and error.non_retryable
    assert (error.type, error.message) == ("UserError", message)
    raised = run_exception(info.value)
    assert type(raised) is UserError and str(raised) == message


async def test_bad_arguments_to_a_tool_without_failure_function_are_model_behavior_errors(
    harness_for,
):
    model = ScriptedModel([[function_call("strict_divide", "{not json", call_id="c1")], "ok"])
    agent = Agent(name="a", tools=[strict_divide], model=model)
    async with harness_for(AgentRegistry([agent])) as h:
        error = await asyncio.wait_for(h.run_failure("a", "hi"), 20)
    assert error.type == "ModelBehaviorError"
    assert error.message == "Invalid JSON input for tool strict_divide: {not json"


@input_guardrail
def broken_guardrail(ctx, agent, input):
    raise RuntimeError("guardrail backend down")


async def test_a_guardrail_that_raises_fails_the_run_clearly(harness_for):
    agent = Agent(name="a", input_guardrails=[broken_guardrail], model=ScriptedModel(["x"]))
    async with harness_for(AgentRegistry([agent])) as h:
        error = await asyncio.wait_for(h.run_failure("a", "hi"), 20)
    assert error.type == "UserCodeError"
    assert "broken_guardrail" in error.message and "guardrail backend down" in error.message


async def test_a_context_that_is_not_json_serialisable_is_refused_at_start(harness_for):
    agent = Agent(name="a", model=ScriptedModel(["x"]))
    async with harness_for(AgentRegistry([agent])) as h:
        with pytest.raises(Exception) as info:
            await h.start("a", "hi", context={"handle": object()})
    assert "serial" in str(info.value).lower() or "object" in str(info.value).lower()


class Ctx(BaseModel):
    user_id: int


async def test_a_context_that_does_not_match_the_registry_type_fails_clearly(harness_for):
    agent = Agent(
        name="a",
        instructions=lambda ctx, agent: f"user {ctx.context.user_id}",
        model=ScriptedModel(["x"]),
    )
    async with harness_for(AgentRegistry([agent], context_type=Ctx)) as h:
        error = await h.run_failure("a", "hi", context={"user_id": "not a number"})
        ok = await h.run("a", "hi", context={"user_id": 7})
    assert error.type == "UserError" and "context_type" in error.message
    assert ok.final_output == "x"


async def test_a_workflow_started_with_the_wrong_input_fails_instead_of_retrying(harness_for):
    agent = Agent(name="a", model=ScriptedModel(["x"]))
    async with harness_for(AgentRegistry([agent])) as h:
        handle = await h.client.start_workflow(
            "AgentRunWorkflow",
            {"agent": "a", "text": "hi"},
            id=f"bad-{uuid.uuid4()}",
            task_queue=h.task_queue,
        )
        with pytest.raises(WorkflowFailureError) as info:
            await asyncio.wait_for(handle.result(), 20)
    cause = info.value.cause
    assert isinstance(cause, ApplicationError)
    assert "agent_name" in cause.message

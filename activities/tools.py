"""Tool activities: a function tool's call between its input and output guardrails, and an
agent's custom `tool_use_behavior` deciding whether the turn's tool results end the run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import activity

from durable_agents.agent import FunctionToolResult, ToolsToFinalOutputResult
from durable_agents.exceptions import UserError
from durable_agents.guardrail import (
    ToolGuardrailFunctionOutput,
    ToolGuardrailResult,
    ToolInputGuardrailData,
    ToolOutputGuardrailData,
)
from durable_agents.items import ItemHelpers, RunItem
from durable_agents.run_context import ToolContext
from durable_agents.usage import Usage
from protocol import names
from protocol.tools import (
    ToolCallInput,
    ToolCallOutput,
    ToolsToFinalOutputInput,
    ToolsToFinalOutputOutput,
    ToolTripwire,
)

from .context import ActivityFamily, bind_log, jsonable
from .errors import agents_error, agents_errors, checked_call, tool_code
from .heartbeat import heartbeating
from .hooks import call_hooks


class ToolActivities(ActivityFamily):
    def all(self) -> list[Callable[..., Any]]:
        return [self.call_tool, self.tools_to_final_output]

    @activity.defn(name=names.CALL_TOOL)
    @heartbeating
    async def call_tool(self, inp: ToolCallInput) -> ToolCallOutput:
        """Input guardrails, the tool, output guardrails. A guardrail that rejects the call
        makes its message the output; one that raises returns the tripwire for the workflow
        to end the run with. As in the reference, an exception from the tool, its guardrails
        or the tool start/end hooks ends the run as `UserError("Error running tool ...")`."""
        deps, scope = self.deps, inp.scope
        agent = deps.agent(scope.agent_name)
        with agents_errors():
            tool = deps.registry.find_tool(agent.name, inp.tool_name)
        ctx = ToolContext(
            context=deps.user_context(scope),
            usage=scope.usage or Usage(),
            run_id=scope.run_id,
            turn=scope.turn,
            tool_name=tool.name,
            tool_call_id=inp.call_id,
            tool_arguments=inp.arguments,
            idempotency_key=f"{scope.run_id}:{inp.call_id}",
        )
        bind_log(scope, activity="call_tool", tool=tool.name).debug("calling tool")
        out = ToolCallOutput(output_text="")

        objection = await _objection(
            tool.tool_input_guardrails,
            ToolInputGuardrailData(context=ctx, agent=agent),
            tool.name,
            out.input_guardrail_results,
        )
        if objection is not None:
            if objection.output.behavior.type == "raise_exception":
                out.tripwire = ToolTripwire(kind="input", result=objection)
            else:
                out.output = out.output_text = objection.output.behavior.message or ""
            out.context = deps.context_update(scope)
            return out

        await call_hooks(
            deps.registry,
            agent,
            "tool start",
            lambda h: h.on_tool_start(ctx, agent, tool),
            lambda h: h.on_tool_start(ctx, agent, tool),
            tool_code(tool.name),
        )
        with tool_code(tool.name):
            value = await tool.on_invoke_tool(ctx, inp.arguments)

        objection = await _objection(
            tool.tool_output_guardrails,
            ToolOutputGuardrailData(context=ctx, agent=agent, output=value),
            tool.name,
            out.output_guardrail_results,
        )
        if objection is not None:
            if objection.output.behavior.type == "raise_exception":
                out.tripwire = ToolTripwire(kind="output", result=objection)
                out.context = deps.context_update(scope)
                return out
            value = objection.output.behavior.message or ""
        await call_hooks(
            deps.registry,
            agent,
            "tool end",
            lambda h: h.on_tool_end(ctx, agent, tool, value),
            lambda h: h.on_tool_end(ctx, agent, tool, value),
            tool_code(tool.name),
        )

        out.output = jsonable(value)
        out.output_text = ItemHelpers.stringify_tool_output(value)
        out.context = deps.context_update(scope)
        return out

    @activity.defn(name=names.TOOLS_TO_FINAL_OUTPUT)
    @heartbeating
    async def tools_to_final_output(self, inp: ToolsToFinalOutputInput) -> ToolsToFinalOutputOutput:
        agent = self.deps.agent(inp.scope.agent_name)
        behavior = agent.tool_use_behavior
        if not callable(behavior):
            raise agents_error(UserError(f"agent {agent.name!r} has no custom tool_use_behavior"))
        with agents_errors():
            results = [
                FunctionToolResult(
                    tool=self.deps.registry.find_tool(agent.name, r.tool_name),
                    output=r.output,
                    run_item=RunItem(
                        type="tool_call_output_item",
                        agent_name=agent.name,
                        raw_item=ItemHelpers.tool_call_output_item(
                            r.call_id,
                            ItemHelpers.stringify_tool_output(r.output)
                            if r.output_text is None
                            else r.output_text,
                        ),
                        output=r.output,
                    ),
                )
                for r in inp.results
            ]
        ctx = self.deps.run_context(inp.scope)
        decided = await checked_call(
            f"tool_use_behavior of agent {agent.name!r}",
            lambda: behavior(ctx, results),
            ToolsToFinalOutputResult,
        )
        return ToolsToFinalOutputOutput(
            is_final_output=decided.is_final_output,
            final_output=jsonable(decided.final_output),
            context=self.deps.context_update(inp.scope),
        )


async def _objection(
    guardrails: list[Any] | None, data: Any, tool_name: str, results: list[ToolGuardrailResult]
) -> ToolGuardrailResult | None:
    """Runs one kind of the tool's guardrails in order, adding each result to `results`; the
    first that does not allow the call stops them and is returned."""
    for guardrail in guardrails or []:
        what = f"tool guardrail {guardrail.get_name()!r}"
        output = await checked_call(
            what,
            lambda g=guardrail: g.run(data),
            ToolGuardrailFunctionOutput,
            tool_code(tool_name),
        )
        checked = ToolGuardrailResult(
            guardrail_name=guardrail.get_name(), tool_name=tool_name, output=output
        )
        results.append(checked)
        if checked.output.behavior.type != "allow":
            return checked
    return None

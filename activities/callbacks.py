"""Callback activities: a handoff's `on_handoff` with its hooks and input filter, and the end
hooks of the agent that produced the final output."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import activity

from durable_agents.exceptions import UserError
from durable_agents.handoffs import Handoff, HandoffInputData
from durable_agents.items import ItemHelpers
from durable_agents.run_context import RunContextWrapper
from protocol import names
from protocol.callbacks import AgentEndInput, HandoffCallInput, HandoffCallOutput

from .context import ActivityFamily, bind_log
from .errors import agents_error, agents_errors, maybe_await, user_code
from .heartbeat import heartbeating
from .hooks import call_hooks


class CallbackActivities(ActivityFamily):
    def all(self) -> list[Callable[..., Any]]:
        return [self.invoke_handoff, self.agent_end]

    @activity.defn(name=names.INVOKE_HANDOFF)
    @heartbeating
    async def invoke_handoff(self, inp: HandoffCallInput) -> HandoffCallOutput:
        """The handoff's callback, then (as the workflow asks) the handoff hooks and the input
        filter over the history the next agent will see."""
        deps, scope = self.deps, inp.scope
        deps.agent(scope.agent_name)
        with agents_errors():
            handoff = deps.registry.find_handoff(scope.agent_name, inp.tool_name)
        ctx = deps.run_context(scope)
        bind_log(scope, activity="invoke_handoff", handoff=inp.tool_name).debug("handing off")
        with user_code(f"handoff {inp.tool_name!r}"):
            await handoff.on_invoke_handoff(ctx, inp.arguments)
        if inp.run_hooks:
            source, target = deps.agent(scope.agent_name), handoff.agent
            await call_hooks(
                deps.registry,
                source,
                "handoff",
                lambda h: h.on_handoff(ctx, from_agent=source, to_agent=target),
                lambda h: h.on_handoff(ctx, agent=target, source=source),
            )
        out = await self._filtered(inp, handoff, ctx) if inp.run_filter else HandoffCallOutput()
        out.context = deps.context_update(scope)
        return out

    async def _filtered(
        self, inp: HandoffCallInput, handoff: Handoff, ctx: RunContextWrapper[Any]
    ) -> HandoffCallOutput:
        """The history after the handoff's input filter, else the registry's; the items the run
        keeps in the item store are loaded for it."""
        input_filter = handoff.input_filter or self.deps.registry.handoff_input_filter
        if input_filter is None:
            return HandoffCallOutput()
        stored = [
            item
            for segment in await self.deps.item_store.load(inp.pre_handoff_segments)
            for item in segment.generated_items
        ]
        data = HandoffInputData(
            input_history=inp.input_history
            if isinstance(inp.input_history, str)
            else tuple(inp.input_history),
            pre_handoff_items=tuple(stored + inp.pre_handoff_items),
            new_items=tuple(inp.new_items),
            run_context=ctx,
        )
        with user_code(f"input filter of handoff {inp.tool_name!r}"):
            filtered = await maybe_await(input_filter(data))
        if not isinstance(filtered, HandoffInputData):
            raise agents_error(UserError(f"Invalid input filter result: {filtered!r}"))
        return HandoffCallOutput(
            filtered=True,
            input_history=filtered.input_history
            if isinstance(filtered.input_history, str)
            else list(filtered.input_history),
            pre_handoff_items=list(filtered.pre_handoff_items),
            new_items=list(filtered.new_items),
            input_items=list(filtered.input_items) if filtered.input_items is not None else None,
        )

    @activity.defn(name=names.AGENT_END)
    @heartbeating
    async def agent_end(self, inp: AgentEndInput) -> None:
        """The end hooks of the agent that produced the final output."""
        deps = self.deps
        agent = deps.agent(inp.scope.agent_name)
        ctx = deps.hook_context(inp.scope, ItemHelpers.input_to_new_input_list(inp.original_input))
        output = deps.typed_output(agent, inp.output)
        await call_hooks(
            deps.registry,
            agent,
            "agent end",
            lambda h: h.on_agent_end(ctx, agent, output),
            lambda h: h.on_end(ctx, agent, output),
        )

"""Lifecycle hooks, as in the reference: `RunHooks` for every agent of a run (registered on the
worker's `AgentRegistry(hooks=...)`), `AgentHooks` for one agent (`Agent(hooks=...)`).

Hooks are user code, so they run in activities, next to what they observe: model hooks in the
model activity, tool hooks in the tool activity, handoff hooks in the handoff activity. Like
every activity they run at least once: a retried model call or tool calls its hooks again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic

from .run_context import AgentHookContext, RunContextWrapper, TContext

if TYPE_CHECKING:
    from .agent import Agent
    from .models import ModelResponse, TResponseInputItem
    from .tool import FunctionTool


class RunHooksBase(Generic[TContext]):
    """Receives the events of a whole run. Subclass and override what you need."""

    async def on_llm_start(
        self,
        context: RunContextWrapper[TContext],
        agent: Agent[TContext],
        system_prompt: str | None,
        input_items: list[TResponseInputItem],
    ) -> None:
        """Just before the model is called."""

    async def on_llm_end(
        self, context: RunContextWrapper[TContext], agent: Agent[TContext], response: ModelResponse
    ) -> None:
        """Just after the model answered."""

    async def on_agent_start(self, context: AgentHookContext[TContext], agent: Agent[Any]) -> None:
        """Before an agent's first model call: the run's first turn, and after a handoff."""

    async def on_agent_end(
        self, context: AgentHookContext[TContext], agent: Agent[Any], output: Any
    ) -> None:
        """When an agent produced the run's final output (before output guardrails)."""

    async def on_handoff(
        self, context: RunContextWrapper[TContext], from_agent: Agent[Any], to_agent: Agent[Any]
    ) -> None:
        """When the run hands off from one agent to another."""

    async def on_tool_start(
        self, context: RunContextWrapper[TContext], agent: Agent[Any], tool: FunctionTool
    ) -> None:
        """Before a function tool runs (after its input guardrails let it)."""

    async def on_tool_end(
        self,
        context: RunContextWrapper[TContext],
        agent: Agent[Any],
        tool: FunctionTool,
        result: Any,
    ) -> None:
        """After a function tool ran, with its result as the output guardrails left it."""


class AgentHooksBase(Generic[TContext]):
    """Receives the events of one agent. Set it on `Agent(hooks=...)`."""

    async def on_start(self, context: AgentHookContext[TContext], agent: Agent[Any]) -> None:
        """Before this agent's first model call (the run's first turn, or after a handoff)."""

    async def on_end(
        self, context: AgentHookContext[TContext], agent: Agent[Any], output: Any
    ) -> None:
        """When this agent produced the run's final output."""

    async def on_handoff(
        self, context: RunContextWrapper[TContext], agent: Agent[Any], source: Agent[Any]
    ) -> None:
        """Called on the hooks of the agent handing off, with `agent` the one handed to and
        `source` the one handing off, as the reference runner (0.6.8) calls it."""

    async def on_tool_start(
        self, context: RunContextWrapper[TContext], agent: Agent[Any], tool: FunctionTool
    ) -> None:
        """Before one of this agent's function tools runs."""

    async def on_tool_end(
        self,
        context: RunContextWrapper[TContext],
        agent: Agent[Any],
        tool: FunctionTool,
        result: Any,
    ) -> None:
        """After one of this agent's function tools ran."""

    async def on_llm_start(
        self,
        context: RunContextWrapper[TContext],
        agent: Agent[TContext],
        system_prompt: str | None,
        input_items: list[TResponseInputItem],
    ) -> None:
        """Just before this agent's model is called."""

    async def on_llm_end(
        self, context: RunContextWrapper[TContext], agent: Agent[TContext], response: ModelResponse
    ) -> None:
        """Just after this agent's model answered."""


RunHooks = RunHooksBase
AgentHooks = AgentHooksBase

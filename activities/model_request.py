"""What one model turn asks the model: the tools and handoffs it offers, the model chosen, the
input after the run's `call_model_input_filter`, and the request that carries them."""

from __future__ import annotations

from typing import Any

from durable_agents.agent import Agent
from durable_agents.agent_output import AgentOutputSchemaBase
from durable_agents.exceptions import UserError
from durable_agents.handoffs import Handoff
from durable_agents.model_input import CallModelData, ModelInputData
from durable_agents.models import (
    Model,
    ModelCallContext,
    ModelProvider,
    ModelRequest,
    OutputSchema,
    ToolDefinition,
    TResponseInputItem,
)
from durable_agents.registry import AgentRegistry
from durable_agents.run_context import RunContextWrapper
from durable_agents.tool import FunctionTool
from protocol.model_turn import ModelTurnInput

from .errors import agents_error, maybe_await, user_code


async def offered_tools(
    registry: AgentRegistry, agent: Agent[Any], ctx: RunContextWrapper[Any]
) -> tuple[list[FunctionTool], list[Handoff]]:
    """The agent's tools and handoffs that are enabled for this turn."""
    tools = [t for t in agent.tools if await _enabled(t.is_enabled, ctx, agent, f"tool {t.name!r}")]
    handoffs = [
        h
        for h in registry.handoffs(agent.name)
        if await _enabled(h.is_enabled, ctx, agent, f"handoff {h.tool_name!r}")
    ]
    return tools, handoffs


def offered_names(offered: tuple[list[FunctionTool], list[Handoff]]) -> list[str]:
    tools, handoffs = offered
    return [t.name for t in tools] + [h.tool_name for h in handoffs]


def _tool_definition(tool: FunctionTool) -> ToolDefinition:
    return ToolDefinition(
        name=tool.name,
        description=tool.description,
        params_json_schema=tool.params_json_schema,
        strict=tool.strict_json_schema,
    )


def _handoff_definition(handoff: Handoff) -> ToolDefinition:
    return ToolDefinition(
        name=handoff.tool_name,
        description=handoff.tool_description,
        params_json_schema=handoff.input_json_schema,
        strict=handoff.strict_json_schema,
    )


async def _enabled(flag: Any, ctx: RunContextWrapper[Any], agent: Agent[Any], what: str) -> bool:
    if not callable(flag):
        return bool(flag)
    with user_code(f"is_enabled of {what}"):
        enabled = bool(await maybe_await(flag(ctx, agent)))
    return enabled


def choose_model(
    provider: ModelProvider, agent: Agent[Any], override: str | None
) -> tuple[Model, str | None]:
    """The run's model override, else the agent's `Model` object or model name; the name is
    what the request and the log carry."""
    if override is not None:
        return provider.get_model(override), override
    if isinstance(agent.model, Model):
        return agent.model, type(agent.model).__name__
    return provider.get_model(agent.model), agent.model


async def filtered_input(
    registry: AgentRegistry,
    agent: Agent[Any],
    ctx: RunContextWrapper[Any],
    conversation: list[TResponseInputItem],
    instructions: str | None,
) -> ModelInputData:
    """The input and instructions of this one call, after the run's `call_model_input_filter`."""
    input_filter = registry.call_model_input_filter
    if input_filter is None:
        return ModelInputData(input=conversation, instructions=instructions)
    # The filter gets its own list: what it does to it must not reach the run's conversation.
    data = ModelInputData(input=list(conversation), instructions=instructions)
    with user_code("call_model_input_filter"):
        filtered = await maybe_await(input_filter(CallModelData(data, agent, ctx.context)))
    if not isinstance(filtered, ModelInputData):
        raise agents_error(
            UserError("call_model_input_filter must return a ModelInputData instance")
        )
    return filtered


def model_request(
    inp: ModelTurnInput,
    agent: Agent[Any],
    model_name: str | None,
    model_input: ModelInputData,
    offered: tuple[list[FunctionTool], list[Handoff]],
    schema: AgentOutputSchemaBase | None,
) -> ModelRequest:
    """The request, with the run's settings over the agent's, and `tool_choice` cleared when the
    workflow says so (the reference's `reset_tool_choice`: a forced tool is not forced again)."""
    settings = agent.model_settings.resolve(inp.model_settings)
    if inp.reset_tool_choice:
        settings = settings.model_copy(update={"tool_choice": None})
    tools, handoffs = offered
    return ModelRequest(
        model=model_name,
        system_instructions=model_input.instructions,
        input=model_input.input,
        model_settings=settings,
        tools=[_tool_definition(t) for t in tools],
        handoffs=[_handoff_definition(h) for h in handoffs],
        output_schema=(
            OutputSchema(json_schema=schema.json_schema(), strict=schema.is_strict_json_schema())
            if schema is not None
            else None
        ),
        previous_response_id=inp.previous_response_id,
        conversation_id=inp.conversation_id,
        call_context=ModelCallContext(
            run_id=inp.scope.run_id, agent_name=agent.name, turn=inp.scope.turn
        ),
    )

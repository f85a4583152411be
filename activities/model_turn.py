"""The model turn activity: one call to the agent's model, with the hooks around it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from temporalio import activity
from temporalio.contrib.workflow_streams import WorkflowStreamClient

from durable_agents.agent_output import AgentOutputSchemaBase
from durable_agents.items import ItemHelpers, output_item_type
from durable_agents.models import Model, ModelRequest, ModelResponse, streamed_response
from durable_agents.stream_events import RawResponsesStreamEvent
from protocol import names
from protocol.model_turn import ModelTurnInput, ModelTurnOutput
from protocol.names import RAW_EVENTS_TOPIC

from .context import ActivityFamily, bind_log
from .conversation_input import conversation_input
from .errors import agents_errors, model_call, user_code
from .heartbeat import heartbeating
from .hooks import call_hooks
from .model_request import (
    choose_model,
    filtered_input,
    model_request,
    offered_names,
    offered_tools,
)
from .models.sdk_interface import SdkInterfaceModel, speaks_sdk_interface

RAW_EVENTS_BATCH_INTERVAL = timedelta(milliseconds=100)
"""How long a model activity gathers raw stream events before sending them to the run; each
batch is one signal, so one event in the run's history."""


class ModelTurnActivities(ActivityFamily):
    def all(self) -> list[Callable[..., Any]]:
        return [self.model_turn]

    @activity.defn(name=names.MODEL_TURN)
    @heartbeating
    async def model_turn(self, inp: ModelTurnInput) -> ModelTurnOutput:
        deps, scope = self.deps, inp.scope
        agent, ctx = deps.agent_and_context(scope)
        with user_code(f"instructions of agent {agent.name!r}"):
            instructions = await agent.get_system_prompt(ctx)
        tools, handoffs = await offered_tools(deps.registry, agent, ctx)
        schema = deps.registry.output_schema(agent)
        with agents_errors():
            model, model_name = choose_model(deps.model_provider, agent, inp.model)
        if speaks_sdk_interface(model):
            model = SdkInterfaceModel(model, tools, handoffs, schema)
        conversation = await conversation_input(
            inp.conversation, deps.conversations, deps.item_store
        )
        model_input = await filtered_input(deps.registry, agent, ctx, conversation, instructions)
        if inp.agent_start:
            start_ctx = deps.hook_context(scope, conversation)
            await call_hooks(
                deps.registry,
                agent,
                "agent start",
                lambda h: h.on_agent_start(start_ctx, agent),
                lambda h: h.on_start(start_ctx, agent),
            )
        await call_hooks(
            deps.registry,
            agent,
            "llm start",
            lambda h: h.on_llm_start(ctx, agent, model_input.instructions, model_input.input),
            lambda h: h.on_llm_start(ctx, agent, model_input.instructions, model_input.input),
        )
        request = model_request(inp, agent, model_name, model_input, (tools, handoffs), schema)
        bind_log(scope, activity="model_turn").debug(
            "calling model", model=model_name, stream=inp.stream_raw_events
        )
        with model_call():
            if inp.stream_raw_events:
                response = await _streamed_response(model, request)
            else:
                response = await model.get_response(request)
        await call_hooks(
            deps.registry,
            agent,
            "llm end",
            lambda h: h.on_llm_end(ctx, agent, response),
            lambda h: h.on_llm_end(ctx, agent, response),
        )

        if not inp.conversation.server_managed:
            # The run's conversation, not what a filter made of it for this one call.
            deps.conversations.put(
                inp.conversation.key,
                conversation + [item for item in response.output if output_item_type(item)],
            )
        out = _turn_output(response, offered_names((tools, handoffs)), schema)
        out.context = deps.context_update(scope)
        return out


async def _streamed_response(model: Model, request: ModelRequest) -> ModelResponse:
    """The model's response, streamed: its events go to the run's stream as raw events while it
    answers, in batches, and all of them before this returns (so before the run publishes the
    turn's items). A retried attempt streams again from the start."""
    stream = WorkflowStreamClient.from_within_activity(batch_interval=RAW_EVENTS_BATCH_INTERVAL)
    raw = stream.topic(RAW_EVENTS_TOPIC, type=RawResponsesStreamEvent)
    async with stream:
        return await streamed_response(
            model, request, lambda event: raw.publish(RawResponsesStreamEvent(data=event))
        )


def _turn_output(
    response: ModelResponse, offered: list[str], schema: AgentOutputSchemaBase | None
) -> ModelTurnOutput:
    """The response, with its final output when it calls no function: the last message's text,
    validated against the agent's output type when it has one (no text, no final output)."""
    result = ModelTurnOutput(response=response, offered_tools=offered)
    if any(item.get("type") == "function_call" for item in response.output):
        return result
    messages = [item for item in response.output if item.get("type") == "message"]
    text = ItemHelpers.extract_last_text(messages[-1]) if messages else None
    if schema is None:
        result.final_output, result.has_final_output = text or "", True
    elif text:
        with agents_errors():
            result.final_output = schema.to_jsonable(schema.validate_json(text))
        result.has_final_output = True
    return result

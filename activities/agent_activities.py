"""The activities of an agent run: every place user code or the outside world is touched."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

import structlog
from pydantic import TypeAdapter
from pydantic_core import to_jsonable_python
from temporalio import activity
from temporalio.contrib.workflow_streams import WorkflowStreamClient
from temporalio.exceptions import ApplicationError

from connection.item_store import ItemStore
from durable_agents.agent import Agent, FunctionToolResult, ToolsToFinalOutputResult
from durable_agents.exceptions import AgentsException, UserError
from durable_agents.guardrail import (
    GuardrailFunctionOutput,
    ToolGuardrailFunctionOutput,
    ToolGuardrailResult,
    ToolInputGuardrailData,
    ToolOutputGuardrailData,
)
from durable_agents.handoffs import HandoffInputData
from durable_agents.items import ItemHelpers, output_item_type
from durable_agents.lifecycle import AgentHooksBase, RunHooksBase
from durable_agents.model_input import CallModelData, ModelInputData
from durable_agents.models import (
    Model,
    ModelCallContext,
    ModelProvider,
    ModelRequest,
    ModelResponse,
    OutputSchema,
    ToolDefinition,
    TResponseInputItem,
    streamed_response,
)
from durable_agents.registry import AgentRegistry
from durable_agents.run_context import AgentHookContext, RunContextWrapper, ToolContext
from durable_agents.stream_events import RawResponsesStreamEvent
from durable_agents.usage import Usage
from protocol import names
from protocol.callbacks import (
    AgentEndInput,
    HandoffCallInput,
    HandoffCallOutput,
    ResolveRunInput,
    ResolveRunOutput,
)
from protocol.conversation import ConversationRef, ConversationSnapshot
from protocol.guardrails import GuardrailCheckInput, GuardrailCheckOutput
from protocol.model_turn import ModelTurnInput, ModelTurnOutput
from protocol.names import CONVERSATION_QUERY, RAW_EVENTS_TOPIC
from protocol.scope import CallScope
from protocol.tools import (
    ToolCallInput,
    ToolCallOutput,
    ToolsToFinalOutputInput,
    ToolsToFinalOutputOutput,
    ToolTripwire,
)

from .conversation_cache import ConversationCache
from .errors import agents_error, checked_call, maybe_await, raise_user_code_error
from .heartbeat import heartbeating

log = structlog.get_logger("durable_agents.activities")
T = TypeVar("T")

RAW_EVENTS_BATCH_INTERVAL = timedelta(milliseconds=100)
"""How long a model activity gathers raw stream events before sending them to the run; each
batch is one signal, so one event in the run's history."""


def _jsonable(value: Any) -> Any:
    return to_jsonable_python(value, fallback=str)


class AgentActivities:
    """Activities bound to one worker's registry and model provider."""

    def __init__(
        self,
        registry: AgentRegistry,
        model_provider: ModelProvider | None = None,
        conversations: ConversationCache | None = None,
        item_store: ItemStore | None = None,
    ) -> None:
        self.registry = registry
        self._model_provider = model_provider
        self.conversations = conversations or ConversationCache()
        self.item_store = item_store or ItemStore(None)

    def all(self) -> list[Callable[..., Any]]:
        return [
            self.resolve_run,
            self.model_turn,
            self.call_tool,
            self.check_guardrail,
            self.invoke_handoff,
            self.tools_to_final_output,
            self.agent_end,
        ]

    # --- helpers ----------------------------------------------------------------------------

    @property
    def model_provider(self) -> ModelProvider:
        if self._model_provider is None:
            from .models.provider import MultiProvider

            self._model_provider = MultiProvider()
        return self._model_provider

    def _agent(self, name: str) -> Agent[Any]:
        try:
            return self.registry.get_agent(name)
        except AgentsException as e:
            raise agents_error(e) from e

    def _context(self, scope: CallScope) -> Any:
        try:
            return self.registry.make_context(scope.context)
        except Exception as e:
            raise ApplicationError(
                f"the run's context does not match the registry's context_type: {e}",
                type="UserError",
                non_retryable=True,
            ) from e

    def _run_context(self, scope: CallScope) -> RunContextWrapper[Any]:
        return RunContextWrapper(
            context=self._context(scope),
            usage=scope.usage or Usage(),
            run_id=scope.run_id,
            turn=scope.turn,
        )

    def _hook_context(self, scope: CallScope, turn_input: list[Any]) -> AgentHookContext[Any]:
        return AgentHookContext(
            context=self._context(scope),
            usage=scope.usage or Usage(),
            run_id=scope.run_id,
            turn=scope.turn,
            turn_input=turn_input,
        )

    async def _hooks(
        self,
        agent: Agent[Any],
        event: str,
        run_hook: Callable[[RunHooksBase[Any]], Awaitable[None]],
        agent_hook: Callable[[AgentHooksBase[Any]], Awaitable[None]],
    ) -> None:
        """The run's and the agent's hooks for one event, concurrently, as the reference."""
        calls = []
        if self.registry.hooks is not None:
            calls.append(run_hook(self.registry.hooks))
        if agent.hooks is not None:
            calls.append(agent_hook(agent.hooks))
        if not calls:
            return
        try:
            await asyncio.gather(*calls)
        except Exception as e:
            raise_user_code_error(f"{event} hook", e)

    def _bind(self, scope: CallScope, **extra: Any) -> Any:
        return log.bind(run_id=scope.run_id, agent=scope.agent_name, turn=scope.turn, **extra)

    async def _enabled(
        self, flag: Any, ctx: RunContextWrapper[Any], agent: Agent[Any], what: str
    ) -> bool:
        if not callable(flag):
            return bool(flag)
        try:
            return bool(await maybe_await(flag(ctx, agent)))
        except Exception as e:
            raise_user_code_error(f"is_enabled of {what}", e)

    def _model(self, agent: Agent[Any], override: str | None) -> tuple[Model, str | None]:
        if override is not None:
            return self.model_provider.get_model(override), override
        if isinstance(agent.model, Model):
            return agent.model, type(agent.model).__name__
        return self.model_provider.get_model(agent.model), agent.model

    # --- activities -------------------------------------------------------------------------

    @activity.defn(name=names.RESOLVE_RUN)
    async def resolve_run(self, inp: ResolveRunInput) -> ResolveRunOutput:
        try:
            specs = self.registry.run_specs(
                inp.agent_name, inp.input_guardrails, inp.output_guardrails
            )
        except AgentsException as e:
            raise agents_error(e) from e
        return ResolveRunOutput(specs=specs, external_item_store=self.item_store.driver is not None)

    @activity.defn(name=names.MODEL_TURN)
    @heartbeating
    async def model_turn(self, inp: ModelTurnInput) -> ModelTurnOutput:
        scope = inp.scope
        agent = self._agent(scope.agent_name)
        ctx = self._run_context(scope)
        try:
            instructions = await agent.get_system_prompt(ctx)
        except Exception as e:
            raise_user_code_error(f"instructions of agent {agent.name!r}", e)
        tools = [
            ToolDefinition(
                name=t.name,
                description=t.description,
                params_json_schema=t.params_json_schema,
                strict=t.strict_json_schema,
            )
            for t in agent.tools
            if await self._enabled(t.is_enabled, ctx, agent, f"tool {t.name!r}")
        ]
        handoffs = [
            ToolDefinition(
                name=h.tool_name,
                description=h.tool_description,
                params_json_schema=h.input_json_schema,
                strict=h.strict_json_schema,
            )
            for h in self.registry.handoffs(agent.name)
            if await self._enabled(h.is_enabled, ctx, agent, f"handoff {h.tool_name!r}")
        ]
        schema = self.registry.output_schema(agent)
        settings = agent.model_settings.resolve(inp.model_settings)
        if inp.reset_tool_choice:
            settings = settings.model_copy(update={"tool_choice": None})
        try:
            model, model_name = self._model(agent, inp.model)
        except AgentsException as e:
            raise agents_error(e) from e
        conversation = await self._conversation_input(inp.conversation)
        model_input = await self._filtered_input(agent, ctx, conversation, instructions)
        instructions = model_input.instructions
        if inp.agent_start:
            start_ctx = self._hook_context(scope, conversation)
            await self._hooks(
                agent,
                "agent start",
                lambda h: h.on_agent_start(start_ctx, agent),
                lambda h: h.on_start(start_ctx, agent),
            )
        await self._hooks(
            agent,
            "llm start",
            lambda h: h.on_llm_start(ctx, agent, instructions, model_input.input),
            lambda h: h.on_llm_start(ctx, agent, instructions, model_input.input),
        )
        request = ModelRequest(
            model=model_name if isinstance(model_name, str) else None,
            system_instructions=instructions,
            input=model_input.input,
            model_settings=settings,
            tools=tools,
            handoffs=handoffs,
            output_schema=(
                OutputSchema(
                    json_schema=schema.json_schema(),
                    strict=schema.is_strict_json_schema(),
                )
                if schema is not None
                else None
            ),
            previous_response_id=inp.previous_response_id,
            conversation_id=inp.conversation_id,
            call_context=ModelCallContext(
                run_id=scope.run_id, agent_name=agent.name, turn=scope.turn
            ),
        )
        self._bind(scope, activity="model_turn").debug(
            "calling model", model=model_name, stream=inp.stream_raw_events
        )
        try:
            if inp.stream_raw_events:
                response = await self._streamed_response(model, request)
            else:
                response = await model.get_response(request)
        except ApplicationError:
            raise
        except AgentsException as e:
            raise agents_error(e) from e
        except Exception as e:
            from .models.errors import model_error_to_application_error

            # Not `from e`: the error's cause is already a redacted copy of `e`; `e` itself may
            # quote the API key and Temporal records the cause chain in the history.
            raise model_error_to_application_error(e)  # noqa: B904
        await self._hooks(
            agent,
            "llm end",
            lambda h: h.on_llm_end(ctx, agent, response),
            lambda h: h.on_llm_end(ctx, agent, response),
        )

        if not inp.conversation.server_managed:
            # The run's conversation, not what a filter made of it for this one call.
            self.conversations.put(
                inp.conversation.key,
                conversation + [item for item in response.output if output_item_type(item)],
            )
        result = ModelTurnOutput(
            response=response, offered_tools=[t.name for t in tools + handoffs]
        )
        if any(item.get("type") == "function_call" for item in response.output):
            return result
        messages = [item for item in response.output if item.get("type") == "message"]
        text = ItemHelpers.extract_last_text(messages[-1]) if messages else None
        if schema is None:
            result.final_output, result.has_final_output = text or "", True
        elif text:
            try:
                result.final_output = schema.to_jsonable(schema.validate_json(text))
            except AgentsException as e:
                raise agents_error(e) from e
            result.has_final_output = True
        return result

    async def _streamed_response(self, model: Model, request: ModelRequest) -> ModelResponse:
        """The model's response, streamed: its events go to the run's stream as raw events
        while it answers, in batches, and all of them before this returns (so before the run
        publishes the turn's items). A retried attempt streams again from the start."""
        stream = WorkflowStreamClient.from_within_activity(batch_interval=RAW_EVENTS_BATCH_INTERVAL)
        raw = stream.topic(RAW_EVENTS_TOPIC, type=RawResponsesStreamEvent)
        async with stream:
            return await streamed_response(
                model, request, lambda event: raw.publish(RawResponsesStreamEvent(data=event))
            )

    async def _filtered_input(
        self,
        agent: Agent[Any],
        ctx: RunContextWrapper[Any],
        conversation: list[TResponseInputItem],
        instructions: str | None,
    ) -> ModelInputData:
        input_filter = self.registry.call_model_input_filter
        if input_filter is None:
            return ModelInputData(input=conversation, instructions=instructions)
        # The filter gets its own list: what it does to it must not reach the run's conversation.
        data = ModelInputData(input=list(conversation), instructions=instructions)
        try:
            filtered = await maybe_await(input_filter(CallModelData(data, agent, ctx.context)))
        except Exception as e:
            raise_user_code_error("call_model_input_filter", e)
        if not isinstance(filtered, ModelInputData):
            raise agents_error(
                UserError("call_model_input_filter must return a ModelInputData instance")
            )
        return filtered

    async def _conversation_input(self, ref: ConversationRef) -> list[TResponseInputItem]:
        """The whole conversation from the cache, or from the run itself on a miss."""
        if ref.server_managed or ref.base_length == 0:
            return list(ref.delta)
        prefix = self.conversations.prefix(ref.key, ref.base_length)
        if prefix is None:
            info = activity.info()
            handle = activity.client().get_workflow_handle(
                info.workflow_id, run_id=info.workflow_run_id
            )
            snapshot = await handle.query(
                CONVERSATION_QUERY, ref.key, result_type=ConversationSnapshot
            )
            items = snapshot.head + [
                item.to_input_item()
                for segment in await self.item_store.load(snapshot.segments)
                for item in segment.generated_items
            ]
            items += snapshot.items
            if len(items) < ref.base_length:
                raise ApplicationError(
                    f"conversation {ref.key} has {len(items)} items, "
                    f"expected at least {ref.base_length}"
                )
            prefix = items[: ref.base_length]
        return prefix + ref.delta

    @activity.defn(name=names.CALL_TOOL)
    @heartbeating
    async def call_tool(self, inp: ToolCallInput) -> ToolCallOutput:
        scope = inp.scope
        agent = self._agent(scope.agent_name)
        try:
            tool = self.registry.find_tool(agent.name, inp.tool_name)
        except AgentsException as e:
            raise agents_error(e) from e
        ctx = ToolContext(
            context=self._context(scope),
            usage=scope.usage or Usage(),
            run_id=scope.run_id,
            turn=scope.turn,
            tool_name=tool.name,
            tool_call_id=inp.call_id,
            tool_arguments=inp.arguments,
            idempotency_key=f"{scope.run_id}:{inp.call_id}",
        )
        self._bind(scope, activity="call_tool", tool=tool.name).debug("calling tool")
        out = ToolCallOutput(output_text="")

        for guardrail in tool.tool_input_guardrails or []:
            checked = await self._tool_guardrail(
                guardrail, ToolInputGuardrailData(context=ctx, agent=agent), tool.name
            )
            out.input_guardrail_results.append(checked)
            behavior = checked.output.behavior
            if behavior.type == "raise_exception":
                out.tripwire = ToolTripwire(kind="input", result=checked)
                return out
            if behavior.type == "reject_content":
                out.output = out.output_text = behavior.message or ""
                return out

        await self._hooks(
            agent,
            "tool start",
            lambda h: h.on_tool_start(ctx, agent, tool),
            lambda h: h.on_tool_start(ctx, agent, tool),
        )
        try:
            value = await tool.on_invoke_tool(ctx, inp.arguments)
        except Exception as e:
            raise_user_code_error(f"tool {tool.name!r}", e)

        for guardrail in tool.tool_output_guardrails or []:
            checked = await self._tool_guardrail(
                guardrail,
                ToolOutputGuardrailData(context=ctx, agent=agent, output=value),
                tool.name,
            )
            out.output_guardrail_results.append(checked)
            behavior = checked.output.behavior
            if behavior.type == "raise_exception":
                out.tripwire = ToolTripwire(kind="output", result=checked)
                return out
            if behavior.type == "reject_content":
                value = behavior.message or ""
                break
        await self._hooks(
            agent,
            "tool end",
            lambda h: h.on_tool_end(ctx, agent, tool, value),
            lambda h: h.on_tool_end(ctx, agent, tool, value),
        )

        out.output = _jsonable(value)
        out.output_text = ItemHelpers.stringify_tool_output(value)
        return out

    async def _tool_guardrail(
        self, guardrail: Any, data: Any, tool_name: str
    ) -> ToolGuardrailResult:
        output = await checked_call(
            f"tool guardrail {guardrail.get_name()!r}",
            lambda: guardrail.run(data),
            ToolGuardrailFunctionOutput,
        )
        return ToolGuardrailResult(
            guardrail_name=guardrail.get_name(), tool_name=tool_name, output=output
        )

    @activity.defn(name=names.CHECK_GUARDRAIL)
    @heartbeating
    async def check_guardrail(self, inp: GuardrailCheckInput) -> GuardrailCheckOutput:
        scope = inp.scope
        agent = self._agent(scope.agent_name)
        ctx = self._run_context(scope)
        try:
            if inp.kind == "input":
                guardrail: Any = self.registry.input_guardrail(agent.name, inp.guardrail_name)
                value = inp.value
            else:
                guardrail = self.registry.output_guardrail(agent.name, inp.guardrail_name)
                value = self._typed_output(agent, inp.value)
        except AgentsException as e:
            raise agents_error(e) from e
        self._bind(scope, activity="check_guardrail", guardrail=inp.guardrail_name).debug(
            "checking"
        )
        output = await checked_call(
            f"{inp.kind} guardrail {inp.guardrail_name!r}",
            lambda: guardrail.run(ctx, agent, value),
            GuardrailFunctionOutput,
        )
        return GuardrailCheckOutput(
            output=GuardrailFunctionOutput(
                output_info=_jsonable(output.output_info),
                tripwire_triggered=output.tripwire_triggered,
            )
        )

    @activity.defn(name=names.AGENT_END)
    @heartbeating
    async def agent_end(self, inp: AgentEndInput) -> None:
        """The end hooks of the agent that produced the final output."""
        agent = self._agent(inp.scope.agent_name)
        ctx = self._hook_context(inp.scope, ItemHelpers.input_to_new_input_list(inp.original_input))
        output = self._typed_output(agent, inp.output)
        await self._hooks(
            agent,
            "agent end",
            lambda h: h.on_agent_end(ctx, agent, output),
            lambda h: h.on_end(ctx, agent, output),
        )

    def _typed_output(self, agent: Agent[Any], value: Any) -> Any:
        """Output guardrails see the final output as its declared type, not as JSON."""
        schema = self.registry.output_schema(agent)
        if schema is None or not isinstance(agent.output_type, type):
            return value
        return TypeAdapter(agent.output_type).validate_python(value)

    @activity.defn(name=names.INVOKE_HANDOFF)
    @heartbeating
    async def invoke_handoff(self, inp: HandoffCallInput) -> HandoffCallOutput:
        scope = inp.scope
        self._agent(scope.agent_name)
        try:
            handoff = self.registry.find_handoff(scope.agent_name, inp.tool_name)
        except AgentsException as e:
            raise agents_error(e) from e
        ctx = self._run_context(scope)
        self._bind(scope, activity="invoke_handoff", handoff=inp.tool_name).debug("handing off")
        try:
            await handoff.on_invoke_handoff(ctx, inp.arguments)
        except Exception as e:
            raise_user_code_error(f"handoff {inp.tool_name!r}", e)
        if inp.run_hooks:
            source, target = self._agent(scope.agent_name), handoff.agent
            await self._hooks(
                source,
                "handoff",
                lambda h: h.on_handoff(ctx, from_agent=source, to_agent=target),
                lambda h: h.on_handoff(ctx, agent=target, source=source),
            )
        if not inp.run_filter:
            return HandoffCallOutput()
        input_filter = handoff.input_filter or self.registry.handoff_input_filter
        if input_filter is None:
            return HandoffCallOutput()
        stored = [
            item
            for segment in await self.item_store.load(inp.pre_handoff_segments)
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
        try:
            filtered = await maybe_await(input_filter(data))
        except Exception as e:
            raise_user_code_error(f"input filter of handoff {inp.tool_name!r}", e)
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

    @activity.defn(name=names.TOOLS_TO_FINAL_OUTPUT)
    @heartbeating
    async def tools_to_final_output(self, inp: ToolsToFinalOutputInput) -> ToolsToFinalOutputOutput:
        agent = self._agent(inp.scope.agent_name)
        behavior = agent.tool_use_behavior
        if not callable(behavior):
            raise agents_error(UserError(f"agent {agent.name!r} has no custom tool_use_behavior"))
        results = [FunctionToolResult(r.tool_name, r.call_id, r.output) for r in inp.results]
        ctx = self._run_context(inp.scope)
        decided = await checked_call(
            f"tool_use_behavior of agent {agent.name!r}",
            lambda: behavior(ctx, results),
            ToolsToFinalOutputResult,
        )
        return ToolsToFinalOutputOutput(
            is_final_output=decided.is_final_output, final_output=_jsonable(decided.final_output)
        )

"""`AgentRunWorkflow`: the turn loop of the reference runner as a deterministic state machine.

It holds the run state and decides the next step; every model call, tool, guardrail and user
callback is an activity (called by name, so no activity code is imported into the sandbox).
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any, NoReturn

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError, FailureError

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from activities.types import (
        CallScope,
        GuardrailCheckInput,
        GuardrailCheckOutput,
        HandoffCallInput,
        HandoffCallOutput,
        ModelTurnInput,
        ModelTurnOutput,
        ResolveRunInput,
        ResolveRunOutput,
        ToolCallInput,
        ToolCallOutput,
        ToolResultData,
        ToolsToFinalOutputInput,
        ToolsToFinalOutputOutput,
    )
    from durable_agents.guardrail import (
        InputGuardrailResult,
        OutputGuardrailResult,
        ToolGuardrailResult,
    )
    from durable_agents.handoff_history import nest_handoff_history
    from durable_agents.items import ItemHelpers, RunItem
    from durable_agents.models import ModelResponse, TResponseInputItem
    from durable_agents.result import RunResult, RunStatus
    from durable_agents.spec import AgentSpec, GuardrailSpec, HandoffSpec, RunSpecs
    from durable_agents.usage import Usage

    from . import activity_options
    from .search_attributes import RUN_STATUS
    from .types import (
        CANCEL_AFTER_TURN_SIGNAL,
        PROGRESS_QUERY,
        WORKFLOW_NAME,
        RunInput,
        RunProgress,
    )

MULTIPLE_HANDOFFS_MESSAGE = "Multiple handoffs detected, ignoring this one."


@workflow.defn(name=WORKFLOW_NAME)
class AgentRunWorkflow:
    def __init__(self) -> None:
        self._status: RunStatus = "running"
        self._turn = 0
        self._max_turns = 0
        self._agent_name = ""
        self._cancel_requested = False
        self._usage = Usage()
        self._session_items: list[RunItem] = []

    # --- signals and queries ----------------------------------------------------------------

    @workflow.signal(name=CANCEL_AFTER_TURN_SIGNAL)
    def cancel_after_turn(self) -> None:
        """Soft cancel: the turn in flight (its tools included) finishes, then the run ends."""
        self._cancel_requested = True

    @workflow.query(name=PROGRESS_QUERY)
    def progress(self) -> RunProgress:
        return RunProgress(
            status=self._status,
            current_turn=self._turn,
            max_turns=self._max_turns,
            current_agent=self._agent_name,
            usage=Usage(
                requests=self._usage.requests,
                input_tokens=self._usage.input_tokens,
                output_tokens=self._usage.output_tokens,
                total_tokens=self._usage.total_tokens,
            ),
            cancel_requested=self._cancel_requested,
            last_items=self._session_items[-5:],
        )

    # --- the run ----------------------------------------------------------------------------

    @workflow.run
    async def run(self, inp: RunInput | Any) -> RunResult:
        # `Any` lets a malformed start payload reach this code, so it fails the run with a
        # clear error instead of failing (and endlessly retrying) the workflow task.
        if not isinstance(inp, RunInput):
            try:
                inp = RunInput.model_validate(inp)
            except ValidationError as e:
                raise ApplicationError(
                    f"invalid run input for {WORKFLOW_NAME}: {e}",
                    type="UserError",
                    non_retryable=True,
                ) from None
        self._inp = inp
        self._run_id = workflow.info().workflow_id
        self._max_turns = inp.max_turns
        self._agent_name = inp.agent_name
        self._original_input: str | list[TResponseInputItem] = inp.input
        self._generated_items: list[RunItem] = []
        self._responses: list[ModelResponse] = []
        self._input_guardrail_results: list[InputGuardrailResult] = []
        self._tool_input_guardrail_results: list[ToolGuardrailResult] = []
        self._tool_output_guardrail_results: list[ToolGuardrailResult] = []
        self._agents_that_used_tools: list[str] = []
        self._previous_response_id = inp.previous_response_id

        resolved: ResolveRunOutput = await self._activity(
            "agents.resolve_run",
            ResolveRunInput(
                agent_name=inp.agent_name,
                input_guardrails=inp.run_config.input_guardrails,
                output_guardrails=inp.run_config.output_guardrails,
            ),
            ResolveRunOutput,
            activity_options.CALLBACK,
            f"resolve: {inp.agent_name}",
        )
        self._specs: RunSpecs = resolved.specs

        while True:
            if self._cancel_requested:
                return self._finish("cancelled", None)
            self._turn += 1
            if self._turn > inp.max_turns:
                self._fail(
                    "MaxTurnsExceeded",
                    f"Max turns ({inp.max_turns}) exceeded",
                    "max_turns_exceeded",
                )
            agent = self._specs.agents[self._agent_name]
            workflow.set_current_details(f"turn {self._turn}/{inp.max_turns}, agent {agent.name}")
            if self._turn == 1:
                turn_out = await self._first_turn(agent)
            else:
                turn_out = await self._call_model(agent)
            final = await self._process_turn(agent, turn_out)
            if final is not None:
                return await self._complete(agent, final[0])

    async def _first_turn(self, agent: AgentSpec) -> ModelTurnOutput:
        """Blocking input guardrails first; the others run beside the first model call."""
        guardrails = agent.input_guardrails + self._specs.run_input_guardrails
        blocking = [g for g in guardrails if not g.run_in_parallel]
        parallel = [g for g in guardrails if g.run_in_parallel]
        if blocking:
            await self._input_guardrails(agent, blocking, None)
        model = workflow.start_activity(
            "agents.model_turn",
            self._model_input(agent),
            result_type=ModelTurnOutput,
            start_to_close_timeout=activity_options.MODEL.start_to_close,
            retry_policy=activity_options.MODEL.retry,
            summary=f"model: {agent.name} (turn {self._turn})",
        )
        if parallel:
            await self._input_guardrails(agent, parallel, model)
        try:
            return await model
        except ActivityError as e:
            self._fail_from(e)

    async def _input_guardrails(
        self, agent: AgentSpec, guardrails: list[GuardrailSpec], model: asyncio.Task[Any] | None
    ) -> None:
        """Runs guardrails concurrently; the first tripwire cancels the model call, ends the run."""

        async def check(guardrail: GuardrailSpec) -> InputGuardrailResult:
            checked: GuardrailCheckOutput = await workflow.execute_activity(
                "agents.check_guardrail",
                GuardrailCheckInput(
                    scope=self._scope(agent),
                    kind="input",
                    guardrail_name=guardrail.name,
                    value=self._inp.input,
                ),
                result_type=GuardrailCheckOutput,
                start_to_close_timeout=activity_options.CALLBACK.start_to_close,
                retry_policy=activity_options.CALLBACK.retry,
                summary=f"guardrail: {guardrail.name}",
            )
            return InputGuardrailResult(guardrail_name=guardrail.name, output=checked.output)

        tasks = [asyncio.create_task(check(g)) for g in guardrails]
        try:
            for done in workflow.as_completed(tasks):
                result = await done
                self._input_guardrail_results.append(result)
                if result.output.tripwire_triggered:
                    for task in tasks:
                        task.cancel()
                    if model is not None:
                        model.cancel()
                    self._fail(
                        "InputGuardrailTripwireTriggered",
                        f"Input guardrail {result.guardrail_name} triggered tripwire",
                        "input_guardrail_triggered",
                        guardrail_result=result,
                    )
        except ActivityError as e:
            if model is not None:
                model.cancel()
            self._fail_from(e)

    def _model_input(self, agent: AgentSpec) -> ModelTurnInput:
        cfg = self._inp.run_config
        return ModelTurnInput(
            scope=self._scope(agent),
            input=ItemHelpers.input_to_new_input_list(self._original_input)
            + [item.to_input_item() for item in self._generated_items],
            model=cfg.model,
            model_settings=cfg.model_settings,
            reset_tool_choice=agent.reset_tool_choice
            and agent.name in self._agents_that_used_tools,
            previous_response_id=self._previous_response_id,
            conversation_id=self._inp.conversation_id,
        )

    async def _call_model(self, agent: AgentSpec) -> ModelTurnOutput:
        return await self._activity(
            "agents.model_turn",
            self._model_input(agent),
            ModelTurnOutput,
            activity_options.MODEL,
            f"model: {agent.name} (turn {self._turn})",
        )

    async def _process_turn(self, agent: AgentSpec, turn_out: ModelTurnOutput) -> tuple[Any] | None:
        """Applies one model response. Returns (final_output,) when the run should finish."""
        response = turn_out.response
        self._responses.append(response)
        self._usage.add(response.usage)

        new_items: list[RunItem] = []
        tool_calls: list[dict[str, Any]] = []
        handoff_calls: list[tuple[dict[str, Any], HandoffSpec]] = []
        for raw in response.output:
            kind = raw.get("type")
            if kind == "message":
                new_items.append(
                    RunItem(type="message_output_item", agent_name=agent.name, raw_item=raw)
                )
            elif kind == "reasoning":
                new_items.append(
                    RunItem(type="reasoning_item", agent_name=agent.name, raw_item=raw)
                )
            elif kind == "function_call":
                name = raw.get("name", "")
                offered = name in turn_out.offered_tools
                handoff_spec = agent.handoff(name)
                if offered and handoff_spec is not None:
                    new_items.append(
                        RunItem(type="handoff_call_item", agent_name=agent.name, raw_item=raw)
                    )
                    handoff_calls.append((raw, handoff_spec))
                elif offered and agent.tool(name) is not None:
                    new_items.append(
                        RunItem(type="tool_call_item", agent_name=agent.name, raw_item=raw)
                    )
                    tool_calls.append(raw)
                else:
                    self._session_items.extend(new_items)
                    self._fail(
                        "ModelBehaviorError",
                        f"Tool {name} not found in agent {agent.name}",
                        "failed",
                    )
            elif isinstance(kind, str) and kind.endswith("_call"):
                # Hosted tool calls (web search, file search...) ran on the provider's side.
                new_items.append(
                    RunItem(type="tool_call_item", agent_name=agent.name, raw_item=raw)
                )
        if (tool_calls or handoff_calls) and agent.name not in self._agents_that_used_tools:
            self._agents_that_used_tools.append(agent.name)
        if self._previous_response_id is not None or self._inp.conversation_id is not None:
            self._previous_response_id = response.response_id or self._previous_response_id

        tool_results = await self._run_tools(agent, tool_calls, new_items)

        if handoff_calls:
            await self._handoff(agent, handoff_calls, new_items)
            return None

        final = await self._final_output_from_tools(agent, tool_results)
        if final is None and not tool_calls and turn_out.has_final_output:
            final = (turn_out.final_output,)
        self._generated_items.extend(new_items)
        self._session_items.extend(new_items)
        return final

    async def _run_tools(
        self, agent: AgentSpec, calls: list[dict[str, Any]], new_items: list[RunItem]
    ) -> list[tuple[dict[str, Any], ToolCallOutput]]:
        """All tool calls of a turn run concurrently, each as its own activity."""
        if not calls:
            return []
        scope = self._scope(agent)
        pending = []
        for call in calls:
            spec = agent.tool(call["name"])
            timeout = (
                timedelta(seconds=spec.timeout_seconds)
                if spec is not None and spec.timeout_seconds
                else activity_options.TOOL.start_to_close
            )
            pending.append(
                workflow.execute_activity(
                    "agents.call_tool",
                    ToolCallInput(
                        scope=scope,
                        tool_name=call["name"],
                        call_id=call.get("call_id", ""),
                        arguments=call.get("arguments", ""),
                    ),
                    result_type=ToolCallOutput,
                    start_to_close_timeout=timeout,
                    retry_policy=activity_options.TOOL.retry,
                    summary=f"tool: {call['name']}",
                )
            )
        try:
            outputs: list[ToolCallOutput] = list(await asyncio.gather(*pending))
        except ActivityError as e:
            self._session_items.extend(new_items)
            self._fail_from(e)
        for out in outputs:
            self._tool_input_guardrail_results.extend(out.input_guardrail_results)
            self._tool_output_guardrail_results.extend(out.output_guardrail_results)
        for call, out in zip(calls, outputs, strict=True):
            if out.tripwire is not None:
                self._session_items.extend(new_items)
                kind = out.tripwire.kind
                name = out.tripwire.result.guardrail_name
                self._fail(
                    f"Tool{kind.capitalize()}GuardrailTripwireTriggered",
                    f"Tool {kind} guardrail {name} triggered tripwire",
                    "tool_guardrail_triggered",
                    guardrail_result=out.tripwire.result,
                )
            new_items.append(
                RunItem(
                    type="tool_call_output_item",
                    agent_name=agent.name,
                    raw_item=ItemHelpers.tool_call_output_item(
                        call.get("call_id", ""), out.output_text
                    ),
                    output=out.output,
                )
            )
        return list(zip(calls, outputs, strict=True))

    async def _handoff(
        self,
        agent: AgentSpec,
        calls: list[tuple[dict[str, Any], HandoffSpec]],
        new_items: list[RunItem],
    ) -> None:
        """Switches the current agent. The first handoff wins; the others get an error output."""
        for raw, _ in calls[1:]:
            new_items.append(
                RunItem(
                    type="tool_call_output_item",
                    agent_name=agent.name,
                    raw_item=ItemHelpers.tool_call_output_item(
                        raw.get("call_id", ""), MULTIPLE_HANDOFFS_MESSAGE
                    ),
                    output=MULTIPLE_HANDOFFS_MESSAGE,
                )
            )
        raw, spec = calls[0]
        target = self._specs.agents[spec.target_agent]
        new_items.append(
            RunItem(
                type="handoff_output_item",
                agent_name=agent.name,
                raw_item=ItemHelpers.tool_call_output_item(
                    raw.get("call_id", ""), json.dumps({"assistant": target.name})
                ),
                source_agent=agent.name,
                target_agent=target.name,
            )
        )
        run_filter = spec.has_input_filter or self._specs.has_handoff_input_filter
        nest = (
            spec.nest_handoff_history
            if spec.nest_handoff_history is not None
            else self._inp.run_config.nest_handoff_history
        )
        filtered: HandoffCallOutput | None = None
        if spec.has_callback or run_filter:
            filtered = await self._activity(
                "agents.invoke_handoff",
                HandoffCallInput(
                    scope=self._scope(agent),
                    tool_name=spec.tool_name,
                    arguments=raw.get("arguments", ""),
                    run_filter=run_filter,
                    input_history=self._original_input if run_filter else [],
                    pre_handoff_items=self._generated_items if run_filter else [],
                    new_items=new_items if run_filter else [],
                ),
                HandoffCallOutput,
                activity_options.CALLBACK,
                f"handoff: {agent.name} -> {target.name}",
                partial_items=new_items,
            )
        if filtered is not None and filtered.filtered:
            self._original_input = filtered.input_history
            model_items = (
                filtered.input_items if filtered.input_items is not None else filtered.new_items
            )
            self._generated_items = filtered.pre_handoff_items + model_items
            self._session_items.extend(filtered.new_items)
        elif nest:
            history, kept, forwarded = nest_handoff_history(
                self._original_input, self._generated_items, new_items
            )
            self._original_input = history
            self._generated_items = kept + forwarded
            self._session_items.extend(new_items)
        else:
            self._generated_items.extend(new_items)
            self._session_items.extend(new_items)
        self._agent_name = target.name

    async def _final_output_from_tools(
        self, agent: AgentSpec, results: list[tuple[dict[str, Any], ToolCallOutput]]
    ) -> tuple[Any] | None:
        if not results:
            return None
        behavior = agent.tool_use_behavior
        if behavior == "run_llm_again":
            return None
        if behavior in ("stop_on_first_tool", "stop_at_tools"):
            for call, out in results:
                if behavior == "stop_on_first_tool" or call["name"] in agent.stop_at_tool_names:
                    return (out.output_text if agent.plain_text_output else out.output,)
            return None
        decided: ToolsToFinalOutputOutput = await self._activity(
            "agents.tools_to_final_output",
            ToolsToFinalOutputInput(
                scope=self._scope(agent),
                results=[
                    ToolResultData(
                        tool_name=c["name"], call_id=c.get("call_id", ""), output=o.output
                    )
                    for c, o in results
                ],
            ),
            ToolsToFinalOutputOutput,
            activity_options.CALLBACK,
            f"tool_use_behavior: {agent.name}",
        )
        if not decided.is_final_output:
            return None
        output = decided.final_output
        if agent.plain_text_output and not isinstance(output, str):
            output = ItemHelpers.stringify_tool_output(output)
        return (output,)

    async def _complete(self, agent: AgentSpec, final_output: Any) -> RunResult:
        guardrails = agent.output_guardrails + self._specs.run_output_guardrails
        results: list[OutputGuardrailResult] = []
        if guardrails:
            checks = [
                workflow.execute_activity(
                    "agents.check_guardrail",
                    GuardrailCheckInput(
                        scope=self._scope(agent),
                        kind="output",
                        guardrail_name=g.name,
                        value=final_output,
                    ),
                    result_type=GuardrailCheckOutput,
                    start_to_close_timeout=activity_options.CALLBACK.start_to_close,
                    retry_policy=activity_options.CALLBACK.retry,
                    summary=f"guardrail: {g.name}",
                )
                for g in guardrails
            ]
            try:
                outputs: list[GuardrailCheckOutput] = list(await asyncio.gather(*checks))
            except ActivityError as e:
                self._fail_from(e)
            results = [
                OutputGuardrailResult(
                    guardrail_name=g.name,
                    agent_name=agent.name,
                    agent_output=final_output,
                    output=o.output,
                )
                for g, o in zip(guardrails, outputs, strict=True)
            ]
            self._output_guardrail_results = results
            for r in results:
                if r.output.tripwire_triggered:
                    self._fail(
                        "OutputGuardrailTripwireTriggered",
                        f"Output guardrail {r.guardrail_name} triggered tripwire",
                        "output_guardrail_triggered",
                        guardrail_result=r,
                    )
        return self._finish("completed", final_output, results)

    # --- plumbing ---------------------------------------------------------------------------

    def _scope(self, agent: AgentSpec) -> CallScope:
        return CallScope(
            run_id=self._run_id, agent_name=agent.name, turn=self._turn, context=self._inp.context
        )

    async def _activity(
        self,
        name: str,
        arg: Any,
        result_type: type,
        kind: activity_options.ActivityKind,
        summary: str,
        partial_items: list[RunItem] | None = None,
    ) -> Any:
        try:
            return await workflow.execute_activity(
                name,
                arg,
                result_type=result_type,
                start_to_close_timeout=kind.start_to_close,
                retry_policy=kind.retry,
                summary=summary,
            )
        except ActivityError as e:
            if partial_items:
                self._session_items.extend(partial_items)
            self._fail_from(e)

    def _result(
        self,
        status: RunStatus,
        final_output: Any,
        output_results: list[OutputGuardrailResult] | None = None,
    ) -> RunResult:
        return RunResult(
            run_id=self._run_id,
            status=status,
            input=self._original_input,
            new_items=self._session_items,
            raw_responses=self._responses,
            final_output=final_output,
            last_agent_name=self._agent_name,
            current_turn=self._turn,
            max_turns=self._max_turns,
            usage=self._usage,
            input_guardrail_results=self._input_guardrail_results,
            output_guardrail_results=output_results
            or getattr(self, "_output_guardrail_results", []),
            tool_input_guardrail_results=self._tool_input_guardrail_results,
            tool_output_guardrail_results=self._tool_output_guardrail_results,
        )

    def _set_status(self, status: RunStatus) -> None:
        self._status = status
        if workflow.info().typed_search_attributes.get(RUN_STATUS) is not None:
            workflow.upsert_search_attributes([RUN_STATUS.value_set(status)])

    def _finish(
        self,
        status: RunStatus,
        final_output: Any,
        output_results: list[OutputGuardrailResult] | None = None,
    ) -> RunResult:
        self._set_status(status)
        return self._result(status, final_output, output_results)

    def _fail(
        self, error_type: str, message: str, status: RunStatus, guardrail_result: Any = None
    ) -> NoReturn:
        """Ends the run as a failed workflow whose error names the reference exception."""
        self._set_status(status)
        details: list[Any] = [self._result(status, None)]
        if guardrail_result is not None:
            details.append(guardrail_result)
        raise ApplicationError(message, *details, type=error_type, non_retryable=True)

    def _fail_from(self, error: ActivityError) -> NoReturn:
        cause = error.cause
        if isinstance(cause, CancelledError):
            # A hard cancel of the run reached the activity: end as cancelled, not failed.
            self._status = "cancelled"
            raise asyncio.CancelledError(cause.message)
        if isinstance(cause, ApplicationError):
            self._fail(cause.type or "ActivityError", cause.message, "failed")
        message = cause.message if isinstance(cause, FailureError) else str(error)
        self._fail(
            type(cause).__name__ if cause is not None else "ActivityError", message, "failed"
        )

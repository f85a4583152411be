"""`AgentRunWorkflow`: the turn loop of the reference runner as a deterministic state machine.

It holds the run state and decides the next step; every model call, tool, guardrail and user
callback is an activity (called by name, so no activity code is imported into the sandbox).
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any, Literal, NoReturn

from temporalio import workflow
from temporalio.contrib.workflow_streams import WorkflowStream, WorkflowStreamState
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError, FailureError

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from durable_agents.guardrail import InputGuardrailResult, OutputGuardrailResult
    from durable_agents.handoff_history import nest_handoff_history
    from durable_agents.items import ItemHelpers, RunItem, output_item_type
    from durable_agents.models import TResponseInputItem
    from durable_agents.result import RunResult, RunStatus
    from durable_agents.spec import AgentSpec, GuardrailSpec, HandoffSpec, RunSpecs
    from durable_agents.stream_events import (
        AgentRef,
        AgentUpdatedStreamEvent,
        RunItemStreamEvent,
        StreamEvent,
    )
    from durable_agents.usage import Usage
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
    from protocol.names import (
        CANCEL_AFTER_TURN_SIGNAL,
        CONVERSATION_QUERY,
        END_TOPIC,
        EVENTS_TOPIC,
        PROGRESS_QUERY,
        RUN_STATUS,
        STORED_EVENTS_QUERY,
        WORKFLOW_NAME,
    )
    from protocol.run import RunInput, RunProgress, RunState
    from protocol.scope import CallScope
    from protocol.segments import (
        LoadSegmentsInput,
        NestHistoryInput,
        NestHistoryOutput,
        RunSegment,
        SegmentRef,
        StoreSegmentInput,
    )
    from protocol.sessions import SessionAddInput, SessionPrepareInput, SessionPrepareOutput
    from protocol.tools import (
        ToolCallInput,
        ToolCallOutput,
        ToolResultData,
        ToolsToFinalOutputInput,
        ToolsToFinalOutputOutput,
    )

    from . import activity_options
    from .conversation import ModelConversation

MULTIPLE_HANDOFFS_MESSAGE = "Multiple handoffs detected, ignoring this one."
SEGMENTS_PATCH = "run-item-segments"
"""Runs that continue as new store what they generated as segments instead of carrying it."""
INLINE_STATE_LIMIT = 1_900_000
"""Bytes of run state a continue-as-new may carry without external storage (Temporal refuses
payloads over 2 MB)."""


def _end_offset(state: WorkflowStreamState) -> int:
    """The offset the stream's next item will get."""
    return state.base_offset + len(state.log)


@workflow.defn(name=WORKFLOW_NAME)
class AgentRunWorkflow:
    @workflow.init
    def __init__(self, inp: RunInput | Any) -> None:
        # The event stream takes its handlers here, so a subscriber can attach from the start;
        # a continued run picks up the stream where the previous run left it.
        self._stream = WorkflowStream(
            prior_state=inp.stream_state if isinstance(inp, RunInput) else None
        )
        self._events = self._stream.topic(EVENTS_TOPIC)
        self._run_events: list[StreamEvent] = []
        """This run's events: stored with its segment when it continues as new."""
        self._status: RunStatus = "running"
        self._inp: RunInput | None = None
        self._state: RunState | None = None
        self._conversation = ModelConversation([])
        self._cancel_requested = False
        self._turn_items_from = 0
        """Where the current turn's items start in `RunState.session_items`."""

    # --- signals and queries ----------------------------------------------------------------

    @workflow.signal(name=CANCEL_AFTER_TURN_SIGNAL)
    def cancel_after_turn(self) -> None:
        """Soft cancel: the turn in flight (its tools included) finishes, then the run ends."""
        self._cancel_requested = True
        if self._state is not None:
            self._state.cancel_requested = True

    @workflow.query(name=PROGRESS_QUERY)
    def progress(self) -> RunProgress:
        s = self._state
        if s is None or self._inp is None:
            return RunProgress(
                status=self._status, current_turn=0, max_turns=0, current_agent="", usage=Usage()
            )
        return RunProgress(
            status=self._status,
            current_turn=s.turn,
            max_turns=self._inp.max_turns,
            current_agent=s.current_agent,
            usage=self._usage_totals(),
            cancel_requested=self._cancel_requested,
            last_items=(s.recent_items + s.session_items)[-5:],
            continued_runs=s.continued_runs,
        )

    @workflow.query(name=CONVERSATION_QUERY)
    def conversation(self, key: str) -> ConversationSnapshot:
        """The model-facing conversation, for a model activity whose worker has no copy."""
        if key != self._conversation_key():
            raise ApplicationError(
                f"conversation {key} is not current ({self._conversation_key()})"
            )
        return self._conversation.snapshot(key, self._conversation_segments())

    @workflow.query(name=STORED_EVENTS_QUERY)
    def stored_events(self) -> list[SegmentRef]:
        return [ref for ref in self._state_().segments if ref.event_count]

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
        if inp.continued is not None:
            self._state = inp.continued
            self._cancel_requested = self._cancel_requested or self._state.cancel_requested
        else:
            self._state = RunState(
                current_agent=inp.agent_name,
                original_input=inp.input,
                previous_response_id=inp.previous_response_id,
            )
        s = self._state
        s.cancel_requested = self._cancel_requested
        if inp.continued is None:
            self._publish_agent_updated(s.current_agent)
        self._conversation = ModelConversation(
            s.original_input,
            sum(ref.generated_count for ref in s.segments[s.conversation_segments_from :]),
            s.generated_items,
        )

        if s.specs is None:
            resolved = await self._resolve_specs(inp)
            s.specs = resolved.specs
            s.external_item_store = resolved.external_item_store
        self._specs: RunSpecs = s.specs
        if inp.session_id is not None and inp.continued is None:
            await self._session_prepare(inp.session_id)

        turns_this_run = 0
        while True:
            if self._cancel_requested:
                return await self._finish("cancelled", None)
            if self._should_continue_as_new(turns_this_run):
                await self._continue_as_new()
            s.turn += 1
            turns_this_run += 1
            self._turn_items_from = len(s.session_items)
            if s.turn > inp.max_turns:
                await self._fail(
                    "MaxTurnsExceeded",
                    f"Max turns ({inp.max_turns}) exceeded",
                    "max_turns_exceeded",
                )
            agent = self._specs.agents[s.current_agent]
            workflow.set_current_details(f"turn {s.turn}/{inp.max_turns}, agent {agent.name}")
            workflow.logger.debug("turn %s: agent %s", s.turn, agent.name)
            if s.turn == 1:
                turn_out = await self._first_turn(agent)
            else:
                turn_out = await self._call_model(agent)
            final = await self._process_turn(agent, turn_out)
            if final is not None:
                return await self._complete(agent, final[0])
            await self._session_add_turn()

    async def _resolve_specs(self, inp: RunInput) -> ResolveRunOutput:
        """A local activity: it only reads the worker's registry, so a server round trip and
        two history events per run are not worth paying for it."""
        try:
            resolved: ResolveRunOutput = await workflow.execute_local_activity(
                "agents.resolve_run",
                ResolveRunInput(
                    agent_name=inp.agent_name,
                    input_guardrails=inp.run_config.input_guardrails,
                    output_guardrails=inp.run_config.output_guardrails,
                ),
                result_type=ResolveRunOutput,
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=activity_options.CALLBACK.retry,
                summary=f"resolve: {inp.agent_name}",
            )
        except ActivityError as e:
            await self._fail_from(e)
        return resolved

    async def _continue_as_new(self) -> NoReturn:
        """Hands the run to a fresh history: what this run generated goes to the item store
        once, and the next run carries references, so the hand-over does not grow with the run.
        The event stream goes along without the events: they are in the segment, for readers
        that fall behind."""
        inp, s = self._inp_(), self._state_()
        self._stream.detach_pollers()
        await workflow.wait_condition(workflow.all_handlers_finished)
        if workflow.patched(SEGMENTS_PATCH):
            stream = self._stream.get_state()
            await self._store_segment(stream)
            # Raw model events (activities publish them) are live-only: they go too. Anything
            # published after the snapshot stays.
            self._stream.truncate(_end_offset(stream))
        s.continued_runs += 1
        next_input = inp.model_copy(
            update={"continued": s, "stream_state": self._stream.get_state()}
        )
        if any(ref.inline is not None for ref in s.segments):
            await self._check_inline_size(next_input, "the run state to carry into the next run")
        workflow.continue_as_new(next_input)

    async def _check_inline_size(self, value: Any, what: str) -> None:
        """Without external storage, a payload over Temporal's limit would fail every workflow
        task that tries to send it, and the run would stick: end it, saying what to set."""
        size = workflow.payload_converter().to_payloads([value])[0].ByteSize()
        if size > INLINE_STATE_LIMIT:
            await self._fail(
                "RunStateTooLarge",
                f"{what} is {size} bytes, over what a workflow payload may hold; configure "
                "external payload storage (DURABLE_AGENTS_PAYLOAD_STORAGE=file:<dir> or "
                "s3://<bucket>) on workers and clients so long runs keep their items out of "
                "history",
                "failed",
                items=False,
            )

    async def _store_segment(self, stream: WorkflowStreamState) -> None:
        s = self._state_()
        # Model-facing items the model side has not been sent stay here: the next model call
        # sends them as its delta.
        sent = self._conversation.sealable(s.sent_length)
        segment = RunSegment(
            generated_items=s.generated_items[:sent],
            session_items=s.session_items,
            raw_responses=s.raw_responses,
            request_usage_entries=s.usage.request_usage_entries,
            tool_input_guardrail_results=s.tool_input_guardrail_results,
            tool_output_guardrail_results=s.tool_output_guardrail_results,
            events=self._events_with_offsets(stream),
        )
        first = s.turn - len(s.raw_responses) + 1
        store_input = StoreSegmentInput(
            run_id=self._run_id,
            segment=segment,
            events_from=segment.events[0].offset if segment.events else _end_offset(stream),
        )
        if s.external_item_store is False:
            await self._check_inline_size(store_input, "what this run generated")
        ref: SegmentRef = await self._activity(
            "agents.store_segment",
            store_input,
            SegmentRef,
            activity_options.CALLBACK,
            f"store: turns {first}-{s.turn}, {len(s.session_items)} items",
        )
        s.segments.append(ref)
        s.recent_items = (s.recent_items + s.session_items)[-5:]
        s.generated_items = s.generated_items[sent:]
        self._conversation.seal(sent)
        s.session_items = []
        s.raw_responses = []
        s.usage.request_usage_entries = []
        s.tool_input_guardrail_results = []
        s.tool_output_guardrail_results = []

    # --- sessions -------------------------------------------------------------------------
    # Only a run started with a session_id does any of this; keys name the run's chain (stable
    # across continue-as-new) and the turn, so a retried append is not applied twice.

    def _session_key(self, what: str) -> str:
        info = workflow.info()
        return f"{info.workflow_id}:{info.first_execution_run_id}:{what}"

    async def _session_prepare(self, session_id: str) -> None:
        """The session's history and the new input become the run's original input; the new
        input is saved to the session (the client's input stays as it was sent)."""
        s = self._state_()
        prepared: SessionPrepareOutput = await self._activity(
            "agents.session_prepare",
            SessionPrepareInput(
                run_id=self._run_id,
                session_id=session_id,
                key=self._session_key("input"),
                input=self._inp_().input,
            ),
            SessionPrepareOutput,
            activity_options.CALLBACK,
            f"session: load {session_id}",
        )
        s.original_input = prepared.input
        self._conversation = ModelConversation(prepared.input)

    async def _session_add_turn(self) -> None:
        """Appends the turn's session items (those of the result's `new_items`) to the session,
        where the reference saves a turn: after it, before a handoff, at the final output."""
        session_id = self._inp_().session_id
        if session_id is None:
            return
        s = self._state_()
        items = [item.to_input_item() for item in s.session_items[self._turn_items_from :]]
        if not items:
            return
        await self._activity(
            "agents.session_add",
            SessionAddInput(
                run_id=self._run_id,
                session_id=session_id,
                key=self._session_key(f"turn-{s.turn}"),
                items=items,
            ),
            bool,
            activity_options.CALLBACK,
            f"session: add {len(items)} items",
        )

    def _should_continue_as_new(self, turns_this_run: int) -> bool:
        assert self._inp is not None
        if turns_this_run == 0:
            return False
        budget = self._inp.continue_as_new_after_turns
        return (budget is not None and turns_this_run >= budget) or (
            workflow.info().is_continue_as_new_suggested()
        )

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
            heartbeat_timeout=activity_options.MODEL.heartbeat,
            retry_policy=activity_options.MODEL.retry,
            summary=f"model: {agent.name} (turn {self._state_().turn})",
        )
        if parallel:
            await self._input_guardrails(agent, parallel, model)
        try:
            return await model
        except ActivityError as e:
            await self._fail_from(e)

    async def _input_guardrails(
        self, agent: AgentSpec, guardrails: list[GuardrailSpec], model: asyncio.Task[Any] | None
    ) -> None:
        """Runs guardrails concurrently; the first tripwire cancels the model call, ends the run."""
        # The run's input as the model sees it (with a session: the history and the input).
        run_input = self._state_().original_input

        async def check(guardrail: GuardrailSpec) -> InputGuardrailResult:
            checked = await self._check_guardrail(
                agent, "input", guardrail, run_input, fail_run=False
            )
            return InputGuardrailResult(guardrail_name=guardrail.name, output=checked.output)

        tasks = [asyncio.create_task(check(g)) for g in guardrails]
        try:
            for done in workflow.as_completed(tasks):
                result = await done
                self._state_().input_guardrail_results.append(result)
                if result.output.tripwire_triggered:
                    for task in tasks:
                        task.cancel()
                    if model is not None:
                        model.cancel()
                    await self._fail(
                        "InputGuardrailTripwireTriggered",
                        f"Input guardrail {result.guardrail_name} triggered tripwire",
                        "input_guardrail_triggered",
                        guardrail_result=result,
                    )
        except ActivityError as e:
            if model is not None:
                model.cancel()
            await self._fail_from(e)

    # --- the conversation -------------------------------------------------------------------

    def _conversation_key(self) -> str:
        info = workflow.info()
        return f"{info.workflow_id}/{info.run_id}/{self._state_().conversation_epoch}"

    def _append_generated(self, items: list[RunItem]) -> None:
        self._state_().generated_items.extend(items)
        self._conversation.append(items)

    def _model_input(self, agent: AgentSpec) -> ModelTurnInput:
        assert self._inp is not None
        s = self._state_()
        cfg = self._inp.run_config
        return ModelTurnInput(
            scope=self._scope(agent),
            conversation=ConversationRef(
                key=self._conversation_key(),
                base_length=s.sent_length,
                delta=self._conversation.unsent(s.sent_length),
                server_managed=self._inp.server_managed,
            ),
            model=cfg.model,
            model_settings=cfg.model_settings,
            reset_tool_choice=agent.reset_tool_choice and agent.name in s.agents_that_used_tools,
            previous_response_id=s.previous_response_id,
            conversation_id=self._inp.conversation_id,
            agent_start=s.agent_start_pending and self._specs.has_hooks(agent),
            stream_raw_events=self._inp.stream_raw_events,
        )

    async def _call_model(self, agent: AgentSpec) -> ModelTurnOutput:
        return await self._activity(
            "agents.model_turn",
            self._model_input(agent),
            ModelTurnOutput,
            activity_options.MODEL,
            f"model: {agent.name} (turn {self._state_().turn})",
        )

    # --- one turn ---------------------------------------------------------------------------

    async def _process_turn(self, agent: AgentSpec, turn_out: ModelTurnOutput) -> tuple[Any] | None:
        """Applies one model response. Returns (final_output,) when the run should finish."""
        assert self._inp is not None
        s = self._state_()
        response = turn_out.response
        s.agent_start_pending = False
        s.raw_responses.append(response)
        s.usage.add(response.usage)
        # The model side now holds everything sent plus the response's own items.
        s.sent_length = len(self._conversation)

        new_items: list[RunItem] = []
        tool_calls: list[dict[str, Any]] = []
        handoff_calls: list[tuple[dict[str, Any], HandoffSpec]] = []
        for raw in response.output:
            kind = output_item_type(raw)
            if kind is None:
                continue
            s.sent_length += 1
            if raw.get("type") != "function_call":
                new_items.append(RunItem(type=kind, agent_name=agent.name, raw_item=raw))
                continue
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
                s.session_items.extend(new_items)
                self._publish_items(new_items)
                await self._fail(
                    "ModelBehaviorError", f"Tool {name} not found in agent {agent.name}", "failed"
                )
        self._publish_items(new_items)
        if (tool_calls or handoff_calls) and agent.name not in s.agents_that_used_tools:
            s.agents_that_used_tools.append(agent.name)
        if (
            self._inp.conversation_id is None
            and (s.previous_response_id is not None or self._inp.auto_previous_response_id)
            and response.response_id is not None
        ):
            s.previous_response_id = response.response_id

        tool_results = await self._run_tools(agent, tool_calls, new_items)

        if handoff_calls:
            await self._handoff(agent, handoff_calls, new_items)
            return None

        final = await self._final_output_from_tools(agent, tool_results)
        if final is None and not tool_calls and turn_out.has_final_output:
            final = (turn_out.final_output,)
        self._append_generated(new_items)
        s.session_items.extend(new_items)
        return final

    async def _run_tools(
        self, agent: AgentSpec, calls: list[dict[str, Any]], new_items: list[RunItem]
    ) -> list[tuple[dict[str, Any], ToolCallOutput]]:
        """All tool calls of a turn run concurrently, each as its own activity."""
        if not calls:
            return []
        s = self._state_()
        scope = self._scope(agent)
        pending = []
        for call in calls:
            spec = agent.tool(call["name"])
            timeout = (
                timedelta(seconds=spec.timeout_seconds)
                if spec is not None and spec.timeout_seconds
                else activity_options.TOOL.start_to_close
            )
            tool_input = ToolCallInput(
                scope=scope,
                tool_name=call["name"],
                call_id=call.get("call_id", ""),
                arguments=call.get("arguments", ""),
            )
            summary = f"tool: {call['name']}"
            if spec is not None and spec.run_locally:
                pending.append(
                    workflow.execute_local_activity(
                        "agents.call_tool",
                        tool_input,
                        result_type=ToolCallOutput,
                        start_to_close_timeout=timeout,
                        retry_policy=activity_options.TOOL.retry,
                        summary=summary,
                    )
                )
                continue
            pending.append(
                workflow.execute_activity(
                    "agents.call_tool",
                    tool_input,
                    result_type=ToolCallOutput,
                    start_to_close_timeout=timeout,
                    heartbeat_timeout=activity_options.TOOL.heartbeat,
                    retry_policy=activity_options.TOOL.retry,
                    summary=summary,
                )
            )
        try:
            outputs: list[ToolCallOutput] = list(await asyncio.gather(*pending))
        except ActivityError as e:
            s.session_items.extend(new_items)
            await self._fail_from(e)
        for out in outputs:
            s.tool_input_guardrail_results.extend(out.input_guardrail_results)
            s.tool_output_guardrail_results.extend(out.output_guardrail_results)
        for call, out in zip(calls, outputs, strict=True):
            if out.tripwire is not None:
                s.session_items.extend(new_items)
                kind = out.tripwire.kind
                name = out.tripwire.result.guardrail_name
                await self._fail(
                    f"Tool{kind.capitalize()}GuardrailTripwireTriggered",
                    f"Tool {kind} guardrail {name} triggered tripwire",
                    "tool_guardrail_triggered",
                    guardrail_result=out.tripwire.result,
                )
            output_item = RunItem(
                type="tool_call_output_item",
                agent_name=agent.name,
                raw_item=ItemHelpers.tool_call_output_item(
                    call.get("call_id", ""), out.output_text
                ),
                output=out.output,
            )
            new_items.append(output_item)
            self._publish_items([output_item])
        return list(zip(calls, outputs, strict=True))

    async def _handoff(
        self,
        agent: AgentSpec,
        calls: list[tuple[dict[str, Any], HandoffSpec]],
        new_items: list[RunItem],
    ) -> None:
        """Switches the current agent. The first handoff wins; the others get an error output."""
        assert self._inp is not None
        s = self._state_()
        produced_from = len(new_items)
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
        hooks = self._specs.has_hooks(agent)
        filtered: HandoffCallOutput | None = None
        if spec.has_callback or run_filter or hooks:
            filtered = await self._activity(
                "agents.invoke_handoff",
                HandoffCallInput(
                    scope=self._scope(agent),
                    tool_name=spec.tool_name,
                    arguments=raw.get("arguments", ""),
                    run_filter=run_filter,
                    run_hooks=hooks,
                    input_history=s.original_input if run_filter else [],
                    pre_handoff_segments=self._conversation_segments() if run_filter else [],
                    pre_handoff_items=s.generated_items if run_filter else [],
                    new_items=new_items if run_filter else [],
                ),
                HandoffCallOutput,
                activity_options.CALLBACK,
                f"handoff: {agent.name} -> {target.name}",
                partial_items=new_items,
            )
        s.current_agent = target.name
        s.agent_start_pending = True
        self._publish_items(new_items[produced_from:])
        self._publish_agent_updated(target.name)
        workflow.logger.info("handoff: %s -> %s (turn %s)", agent.name, target.name, s.turn)
        if self._inp.server_managed:
            # The provider holds the transcript; rewriting it here would only resend it.
            self._append_generated(new_items)
            s.session_items.extend(new_items)
            return
        if filtered is not None and filtered.filtered:
            model_items = (
                filtered.input_items if filtered.input_items is not None else filtered.new_items
            )
            self._rewrite_conversation(
                filtered.input_history, filtered.pre_handoff_items + model_items
            )
            s.session_items.extend(filtered.new_items)
        elif nest:
            if self._conversation.sealed:
                nested: NestHistoryOutput = await self._activity(
                    "agents.nest_history",
                    NestHistoryInput(
                        original_input=s.original_input,
                        segments=self._conversation_segments(),
                        generated_items=s.generated_items,
                        new_items=new_items,
                    ),
                    NestHistoryOutput,
                    activity_options.CALLBACK,
                    f"nest history: {agent.name} -> {target.name}",
                    partial_items=new_items,
                )
                self._rewrite_conversation(nested.input_history, nested.generated_items)
            else:
                history, kept, forwarded = nest_handoff_history(
                    s.original_input, s.generated_items, new_items
                )
                self._rewrite_conversation(history, kept + forwarded)
            s.session_items.extend(new_items)
        else:
            self._append_generated(new_items)
            s.session_items.extend(new_items)

    def _rewrite_conversation(
        self, original_input: str | list[TResponseInputItem], generated: list[RunItem]
    ) -> None:
        """A handoff replaced the transcript: the model side starts from a fresh copy."""
        s = self._state_()
        s.original_input = original_input
        s.generated_items = []
        s.conversation_epoch += 1
        s.sent_length = 0
        s.conversation_segments_from = len(s.segments)
        self._conversation = ModelConversation(original_input)
        self._append_generated(generated)

    def _conversation_segments(self) -> list[SegmentRef]:
        s = self._state_()
        return s.segments[s.conversation_segments_from :]

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
        s = self._state_()
        if self._specs.has_hooks(agent):
            await self._activity(
                "agents.agent_end",
                AgentEndInput(
                    scope=self._scope(agent), output=final_output, original_input=s.original_input
                ),
                type(None),
                activity_options.CALLBACK,
                f"hooks: {agent.name} end",
            )
        guardrails = agent.output_guardrails + self._specs.run_output_guardrails
        if guardrails:
            checks = [self._check_guardrail(agent, "output", g, final_output) for g in guardrails]
            outputs: list[GuardrailCheckOutput] = list(await asyncio.gather(*checks))
            s.output_guardrail_results = [
                OutputGuardrailResult(
                    guardrail_name=g.name,
                    agent_name=agent.name,
                    agent_output=final_output,
                    output=o.output,
                )
                for g, o in zip(guardrails, outputs, strict=True)
            ]
            for r in s.output_guardrail_results:
                if r.output.tripwire_triggered:
                    await self._fail(
                        "OutputGuardrailTripwireTriggered",
                        f"Output guardrail {r.guardrail_name} triggered tripwire",
                        "output_guardrail_triggered",
                        guardrail_result=r,
                    )
        await self._session_add_turn()
        return await self._finish("completed", final_output)

    # --- plumbing ---------------------------------------------------------------------------

    async def _check_guardrail(
        self,
        agent: AgentSpec,
        kind: Literal["input", "output"],
        guardrail: GuardrailSpec,
        value: Any,
        fail_run: bool = True,
    ) -> GuardrailCheckOutput:
        return await self._activity(
            "agents.check_guardrail",
            GuardrailCheckInput(
                scope=self._scope(agent), kind=kind, guardrail_name=guardrail.name, value=value
            ),
            GuardrailCheckOutput,
            activity_options.CALLBACK,
            f"guardrail: {guardrail.name}",
            fail_run=fail_run,
        )

    def _publish_items(self, items: list[RunItem]) -> None:
        for item in items:
            self._publish(RunItemStreamEvent.for_item(item))

    def _publish_agent_updated(self, agent_name: str) -> None:
        self._publish(AgentUpdatedStreamEvent(new_agent=AgentRef(name=agent_name)))

    def _events_with_offsets(self, stream: WorkflowStreamState) -> list[StreamEvent]:
        """This run's events, each with its offset in the stream. Model activities publish raw
        events into the same stream (by signal), so an event's offset is not its count: read
        them off the stream, whose log starts where this run started (or earlier, for a chain
        begun by older code)."""
        offsets = [
            stream.base_offset + i
            for i, item in enumerate(stream.log)
            if item.topic == EVENTS_TOPIC
        ]
        offsets = offsets[max(0, len(offsets) - len(self._run_events)) :]
        return [
            event.model_copy(update={"offset": offset})
            for event, offset in zip(self._run_events, offsets, strict=True)
        ]

    def _publish(self, event: StreamEvent) -> None:
        self._events.publish(event)
        self._run_events.append(event)

    def _state_(self) -> RunState:
        assert self._state is not None
        return self._state

    def _inp_(self) -> RunInput:
        assert self._inp is not None
        return self._inp

    def _scope(self, agent: AgentSpec) -> CallScope:
        assert self._inp is not None
        return CallScope(
            run_id=self._run_id,
            agent_name=agent.name,
            turn=self._state_().turn,
            context=self._inp.context,
            usage=self._usage_totals() if self._specs.has_hooks(agent) else None,
        )

    def _usage_totals(self) -> Usage:
        """The run's usage without its per-request entries: small enough to send anywhere."""
        u = self._state_().usage
        return Usage(
            requests=u.requests,
            input_tokens=u.input_tokens,
            output_tokens=u.output_tokens,
            total_tokens=u.total_tokens,
            input_tokens_details=u.input_tokens_details,
            output_tokens_details=u.output_tokens_details,
        )

    async def _activity(
        self,
        name: str,
        arg: Any,
        result_type: type,
        kind: activity_options.ActivityKind,
        summary: str,
        partial_items: list[RunItem] | None = None,
        fail_run: bool = True,
    ) -> Any:
        try:
            return await workflow.execute_activity(
                name,
                arg,
                result_type=result_type,
                start_to_close_timeout=kind.start_to_close,
                heartbeat_timeout=kind.heartbeat,
                retry_policy=kind.retry,
                summary=summary,
            )
        except ActivityError as e:
            if not fail_run:
                raise
            if partial_items:
                self._state_().session_items.extend(partial_items)
            await self._fail_from(e)

    async def _result(
        self, status: RunStatus, final_output: Any, partial: bool = False, items: bool = True
    ) -> RunResult:
        """The run's outcome, items of earlier runs of the chain included, so the result is
        whole for any client (and the UI). `items=False` leaves every item out: for a run that
        ends because its items are too large to carry."""
        inp, s = self._inp_(), self._state_()
        current = RunSegment(
            session_items=s.session_items,
            raw_responses=s.raw_responses,
            request_usage_entries=s.usage.request_usage_entries,
            tool_input_guardrail_results=s.tool_input_guardrail_results,
            tool_output_guardrail_results=s.tool_output_guardrail_results,
        )
        whole = RunSegment()
        if items:
            whole = await self._stored_items(partial)
            whole.extend(current)
        return RunResult(
            run_id=self._run_id,
            status=status,
            input=s.original_input,
            new_items=whole.session_items,
            raw_responses=whole.raw_responses,
            final_output=final_output,
            last_agent_name=s.current_agent,
            current_turn=s.turn,
            max_turns=inp.max_turns,
            usage=s.usage.model_copy(update={"request_usage_entries": whole.request_usage_entries}),
            input_guardrail_results=s.input_guardrail_results,
            output_guardrail_results=s.output_guardrail_results,
            tool_input_guardrail_results=whole.tool_input_guardrail_results,
            tool_output_guardrail_results=whole.tool_output_guardrail_results,
        )

    async def _stored_items(self, partial: bool) -> RunSegment:
        """What earlier runs of the chain stored, read back by an activity unless it is inline."""
        s = self._state_()
        joined = RunSegment()
        if all(ref.inline is not None for ref in s.segments):
            for ref in s.segments:
                assert ref.inline is not None
                joined.extend(ref.inline)
            return joined
        try:
            return await workflow.execute_activity(
                "agents.load_segments",
                LoadSegmentsInput(segments=s.segments),
                result_type=RunSegment,
                start_to_close_timeout=activity_options.CALLBACK.start_to_close,
                heartbeat_timeout=activity_options.CALLBACK.heartbeat,
                retry_policy=activity_options.CALLBACK.retry,
                summary=f"load: {len(s.segments)} stored segments",
            )
        except ActivityError as e:
            reason = e.cause.message if isinstance(e.cause, FailureError) else str(e)
            if not partial:
                raise ApplicationError(
                    f"the run's stored items could not be read: {reason}",
                    type="SegmentUnavailable",
                    non_retryable=True,
                ) from None
            workflow.logger.warning("partial result without stored items: %s", reason)
            return joined

    def _set_status(self, status: RunStatus) -> None:
        self._status = status
        if workflow.info().typed_search_attributes.get(RUN_STATUS) is not None:
            workflow.upsert_search_attributes([RUN_STATUS.value_set(status)])

    async def _finish(self, status: RunStatus, final_output: Any) -> RunResult:
        self._set_status(status)
        result = await self._result(status, final_output)
        await self._close_stream()
        return result

    async def _close_stream(self) -> None:
        """Subscribers waiting on the stream get their last events before the run closes;
        later ones read what is left through the stream's query."""
        self._stream.topic(END_TOPIC).publish(self._status)
        self._stream.detach_pollers()
        await workflow.wait_condition(workflow.all_handlers_finished)

    async def _fail(
        self,
        error_type: str,
        message: str,
        status: RunStatus,
        guardrail_result: Any = None,
        items: bool = True,
    ) -> NoReturn:
        """Ends the run as a failed workflow whose error names the reference exception."""
        self._set_status(status)
        workflow.logger.info("run ends: %s: %s", error_type, message)
        details: list[Any] = [await self._result(status, None, partial=True, items=items)]
        if guardrail_result is not None:
            details.append(guardrail_result)
        await self._close_stream()
        raise ApplicationError(message, *details, type=error_type, non_retryable=True)

    async def _fail_from(self, error: ActivityError) -> NoReturn:
        cause = error.cause
        if isinstance(cause, CancelledError):
            # A hard cancel of the run reached the activity: end as cancelled, not failed.
            self._status = "cancelled"
            raise asyncio.CancelledError(cause.message)
        if isinstance(cause, ApplicationError):
            await self._fail(cause.type or "ActivityError", cause.message, "failed")
        message = cause.message if isinstance(cause, FailureError) else str(error)
        await self._fail(
            type(cause).__name__ if cause is not None else "ActivityError", message, "failed"
        )

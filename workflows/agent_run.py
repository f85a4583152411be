"""`AgentRunWorkflow`: the turn loop of the reference runner as a deterministic state machine.

It holds the run state and decides the next step; every model call, tool, guardrail and user
callback is an activity, scheduled through `stubs`. The decisions themselves (sorting a
response, tool use behaviours, handoff transitions, how the run ends) are pure functions in
their own modules; this one applies them. The loop is the one place a run ends: every step
returns an `Outcome` (or raises an activity's error), and `run` acts on it once.
"""

from __future__ import annotations

import asyncio
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from durable_agents.items import RunItem
    from durable_agents.models import TResponseInputItem
    from durable_agents.result import RunResult, RunStatus
    from durable_agents.spec import AgentSpec, HandoffSpec, RunSpecs
    from protocol.callbacks import AgentEndInput, ResolveRunInput
    from protocol.conversation import ConversationSnapshot
    from protocol.model_turn import ModelTurnInput, ModelTurnOutput
    from protocol.names import (
        CANCEL_AFTER_TURN_SIGNAL,
        CONVERSATION_QUERY,
        PROGRESS_QUERY,
        RUN_STATUS,
        STORED_EVENTS_QUERY,
        WORKFLOW_NAME,
    )
    from protocol.run import RunInput, RunProgress, RunState
    from protocol.scope import CallScope
    from protocol.segments import RunSegment, SegmentRef

    from . import (
        continuation,
        guardrail_steps,
        handoff_steps,
        outcome,
        requests,
        segments,
        sessions,
        stubs,
        tool_steps,
    )
    from .conversation import ModelConversation
    from .handoff_plan import plan_handoff
    from .outcome import Outcome
    from .run_stream import RunStream
    from .tool_use import (
        FinalOutput,
        ToolResults,
        builtin_decision,
        needs_custom_decision,
        tool_output_item,
    )
    from .turn_plan import next_previous_response_id, plan_turn


def _run_input(inp: RunInput | Any) -> RunInput:
    """`Any` lets a malformed start payload reach the workflow, so it fails the run with a
    clear error instead of failing (and endlessly retrying) the workflow task."""
    if isinstance(inp, RunInput):
        return inp
    try:
        return RunInput.model_validate(inp)
    except ValidationError as e:
        raise ApplicationError(
            f"invalid run input for {WORKFLOW_NAME}: {e}", type="UserError", non_retryable=True
        ) from None


@workflow.defn(name=WORKFLOW_NAME)
class AgentRunWorkflow:
    @workflow.init
    def __init__(self, inp: RunInput | Any) -> None:
        self._stream = RunStream(inp.stream_state if isinstance(inp, RunInput) else None)
        self._status: RunStatus = "running"
        self._cancel_requested = False
        self._inp: RunInput | None = None
        self._state: RunState | None = None
        """Set when the run starts; the queries may come before."""
        self._conversation = ModelConversation([])
        self._turn_items: list[RunItem] = []
        """The turn's items not yet in the session items: a run that fails mid-turn keeps
        them in its partial result."""
        self._turn_items_from = 0
        """Where the current turn's items start in `RunState.session_items`."""

    @workflow.signal(name=CANCEL_AFTER_TURN_SIGNAL)
    def cancel_after_turn(self) -> None:
        """Soft cancel: the turn in flight (its tools included) finishes, then the run ends."""
        self._cancel_requested = True

    @workflow.query(name=PROGRESS_QUERY)
    def progress(self) -> RunProgress:
        return outcome.progress(self._status, self._state, self._inp, self._cancel_requested)

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
        return [ref for ref in self.state.segments if ref.event_count]

    @property
    def state(self) -> RunState:
        assert self._state is not None
        return self._state

    @property
    def run_input(self) -> RunInput:
        assert self._inp is not None
        return self._inp

    # --- the loop ---------------------------------------------------------------------------

    @workflow.run
    async def run(self, inp: RunInput | Any) -> RunResult:
        self._inp = inp = _run_input(inp)
        self._run_id = workflow.info().workflow_id
        if inp.continued is not None:
            self._state = inp.continued
            self._cancel_requested = self._cancel_requested or inp.continued.cancel_requested
        else:
            self._state = RunState(
                current_agent=inp.agent_name,
                original_input=inp.input,
                previous_response_id=inp.previous_response_id,
            )
            self._stream.publish_agent_updated(inp.agent_name)
        s = self._state
        s.start_context(inp.context)
        self._conversation = ModelConversation(
            s.original_input,
            sum(ref.generated_count for ref in self._conversation_segments()),
            s.generated_items,
        )
        try:
            ended = await self._run_turns(inp, s)
        except ActivityError as e:
            ended = outcome.from_activity_error(e)
        return await self._end(ended)

    async def _run_turns(self, inp: RunInput, s: RunState) -> Outcome:
        if s.specs is None:
            resolved = await stubs.resolve_run(
                ResolveRunInput(
                    agent_name=inp.agent_name,
                    input_guardrails=inp.run_config.input_guardrails,
                    output_guardrails=inp.run_config.output_guardrails,
                )
            )
            s.specs, s.external_item_store = resolved.specs, resolved.external_item_store
        self._specs: RunSpecs = s.specs
        if inp.session_id is not None and inp.continued is None:
            s.original_input = await sessions.prepare(self._run_id, inp.session_id, inp.input)
            self._conversation = ModelConversation(s.original_input)
        turns_this_run = 0
        while True:
            if self._cancel_requested:
                return outcome.cancelled()
            if continuation.should_continue_as_new(inp, turns_this_run):
                return await continuation.continue_as_new(
                    inp, s, self._stream, self._conversation, self._run_id, self._cancel_requested
                )
            s.turn += 1
            turns_this_run += 1
            self._turn_items_from = len(s.session_items)
            if s.turn > inp.max_turns:
                return outcome.max_turns_exceeded(inp.max_turns)
            agent = self._specs.agents[s.current_agent]
            workflow.set_current_details(f"turn {s.turn}/{inp.max_turns}, agent {agent.name}")
            workflow.logger.debug("turn %s: agent %s", s.turn, agent.name)
            step = await self._turn(agent)
            if isinstance(step, Outcome):
                return step
            if isinstance(step, FinalOutput):
                return await self._complete(agent, step.value)
            await self._session_add_turn()

    async def _end(self, ended: Outcome) -> RunResult:
        if ended.hard_cancel:
            self._status = "cancelled"
            raise asyncio.CancelledError(ended.message)
        s = self.state
        s.session_items.extend(self._turn_items)
        self._turn_items = []
        self._set_status(ended.status)
        if ended.failed:
            workflow.logger.info("run ends: %s: %s", ended.error_type, ended.message)
        whole = RunSegment()
        if ended.with_items:
            whole = await segments.stored_items(s.segments, partial=ended.failed)
            whole.extend(outcome.current_segment(s))
        result = outcome.build_result(self._run_id, ended, s, self.run_input.max_turns, whole)
        await self._stream.close(self._status)
        if not ended.failed:
            return result
        details = [result] if ended.guardrail_result is None else [result, ended.guardrail_result]
        raise ApplicationError(ended.message, *details, type=ended.error_type, non_retryable=True)

    # --- one turn ---------------------------------------------------------------------------

    async def _turn(self, agent: AgentSpec) -> Outcome | FinalOutput | None:
        """One model call and what it asks for; a final output, an outcome, or None (go on)."""
        if self.state.turn == 1:
            first = await self._first_model_call(agent)
            if isinstance(first, Outcome):
                return first
            return await self._apply(agent, first)
        return await self._apply(agent, await stubs.model_turn(self._model_input(agent)))

    async def _first_model_call(self, agent: AgentSpec) -> ModelTurnOutput | Outcome:
        return await guardrail_steps.first_model_call(
            self._scope(agent),
            agent.input_guardrails + self._specs.run_input_guardrails,
            # The run's input as the model sees it (with a session: the history and the input).
            self.state.original_input,
            self.state,
            lambda: stubs.start_model_turn(self._model_input(agent)),
        )

    async def _apply(self, agent: AgentSpec, turn: ModelTurnOutput) -> Outcome | FinalOutput | None:
        """Applies one model response: its items, then tools, then a handoff or the output."""
        inp, s = self.run_input, self.state
        response = turn.response
        s.took(turn.context)
        s.agent_start_pending = False
        s.raw_responses.append(response)
        s.usage.add(response.usage)
        plan = plan_turn(agent, response, turn.offered_tools)
        # The model side now holds everything sent plus the response's own items.
        s.sent_length = len(self._conversation) + plan.model_items
        self._turn_items = list(plan.items)
        self._stream.publish_items(plan.items)
        if plan.unknown_tool is not None:
            return outcome.unknown_tool(plan.unknown_tool, agent.name)
        if plan.uses_tools and agent.name not in s.agents_that_used_tools:
            s.agents_that_used_tools.append(agent.name)
        s.previous_response_id = next_previous_response_id(
            s.previous_response_id,
            response,
            auto_previous_response_id=inp.auto_previous_response_id,
            conversation_id=inp.conversation_id,
        )
        results = await self._run_tools(agent, plan.tool_calls)
        if isinstance(results, Outcome):
            return results
        if plan.handoff_calls:
            await self._handoff(agent, plan.handoff_calls)
            return None
        final = builtin_decision(agent, results)
        if needs_custom_decision(agent, results):
            final = await tool_steps.custom_decision(self._scope(agent), agent, results, s)
        if final is None and not plan.tool_calls and turn.has_final_output:
            final = FinalOutput(turn.final_output)
        self._keep_turn_items(self._turn_items)
        return final

    async def _run_tools(
        self, agent: AgentSpec, calls: list[dict[str, Any]]
    ) -> ToolResults | Outcome:
        """All tool calls of a turn run concurrently, each as its own activity; their outputs
        join the turn in model order."""
        if not calls:
            return []
        s = self.state
        outputs = await tool_steps.call_tools(self._scope(agent), agent, calls)
        tool_steps.record(s, outputs)
        for call, out in zip(calls, outputs, strict=True):
            if out.tripwire is not None:
                return outcome.tool_guardrail_tripped(out.tripwire)
            item = tool_output_item(agent.name, call, out)
            self._turn_items.append(item)
            self._stream.publish_items([item])
        return list(zip(calls, outputs, strict=True))

    async def _handoff(
        self, agent: AgentSpec, calls: list[tuple[dict[str, Any], HandoffSpec]]
    ) -> None:
        """Switches the current agent: callbacks, filters and hooks in an activity, then the
        conversation the next agent sees."""
        inp, s = self.run_input, self.state
        move = plan_handoff(agent, calls, self._specs, inp.run_config.nest_handoff_history)
        produced_from = len(self._turn_items)
        self._turn_items.extend(move.items)
        items = self._turn_items
        filtered = None
        if move.needs_activity:
            filtered = await handoff_steps.invoke(
                move, self._scope(agent), s, items, self._conversation_segments()
            )
        s.current_agent = move.target
        s.agent_start_pending = True
        self._stream.publish_items(items[produced_from:])
        self._stream.publish_agent_updated(move.target)
        workflow.logger.info("handoff: %s -> %s (turn %s)", agent.name, move.target, s.turn)
        after = await handoff_steps.history_after(
            move,
            filtered,
            s,
            items,
            self._conversation_segments(),
            sealed=bool(self._conversation.sealed),
            server_managed=inp.server_managed,
            source=agent.name,
        )
        if after.rewrite is not None:
            self._rewrite_conversation(*after.rewrite)
        self._keep_turn_items(after.session_items, model_facing=after.rewrite is None)

    async def _complete(self, agent: AgentSpec, final_output: Any) -> Outcome:
        """End hooks, then output guardrails; the turn is saved to the session once they pass."""
        s = self.state
        if self._specs.has_hooks(agent):
            await stubs.agent_end(
                AgentEndInput(
                    scope=self._scope(agent), output=final_output, original_input=s.original_input
                )
            )
        guardrails = agent.output_guardrails + self._specs.run_output_guardrails
        if guardrails:
            s.output_guardrail_results = await guardrail_steps.output_guardrails(
                self._scope(agent), guardrails, final_output, s
            )
            for r in s.output_guardrail_results:
                if r.output.tripwire_triggered:
                    return outcome.output_guardrail_tripped(r)
        await self._session_add_turn()
        return outcome.completed(final_output)

    async def _session_add_turn(self) -> None:
        session_id = self.run_input.session_id
        if session_id is not None:
            s = self.state
            turn = s.session_items[self._turn_items_from :]
            await sessions.add_turn(self._run_id, session_id, s.turn, turn)

    # --- the conversation -------------------------------------------------------------------

    def _keep_turn_items(self, items: list[RunItem], model_facing: bool = True) -> None:
        """The turn's items join the result's items (and, unless a handoff rewrote the
        conversation, what the model sees next)."""
        if model_facing:
            self.state.generated_items.extend(items)
            self._conversation.append(items)
        self.state.session_items.extend(items)
        self._turn_items = []

    def _rewrite_conversation(
        self, original_input: str | list[TResponseInputItem], generated: list[RunItem]
    ) -> None:
        """A handoff replaced the transcript: the model side starts from a fresh copy."""
        s = self.state
        s.original_input = original_input
        s.generated_items = list(generated)
        s.conversation_epoch += 1
        s.sent_length = 0
        s.conversation_segments_from = len(s.segments)
        self._conversation = ModelConversation(original_input, items=generated)

    def _conversation_key(self) -> str:
        info = workflow.info()
        return f"{info.workflow_id}/{info.run_id}/{self.state.conversation_epoch}"

    def _conversation_segments(self) -> list[SegmentRef]:
        s = self.state
        return s.segments[s.conversation_segments_from :]

    def _model_input(self, agent: AgentSpec) -> ModelTurnInput:
        return requests.model_turn_input(
            self._scope(agent),
            self.run_input,
            self.state,
            agent,
            self._specs,
            self._conversation,
            self._conversation_key(),
        )

    def _scope(self, agent: AgentSpec) -> CallScope:
        return requests.call_scope(self._run_id, self.run_input, self.state, agent, self._specs)

    def _set_status(self, status: RunStatus) -> None:
        self._status = status
        if workflow.info().typed_search_attributes.get(RUN_STATUS) is not None:
            workflow.upsert_search_attributes([RUN_STATUS.value_set(status)])

"""What the workflow sends the activities that run for an agent: built from the run's state
by pure functions, so the same state always asks the same thing (replay compares it)."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from durable_agents.spec import AgentSpec, RunSpecs
    from protocol.conversation import ConversationRef
    from protocol.model_turn import ModelTurnInput
    from protocol.run import RunInput, RunState
    from protocol.scope import CallScope

    from .conversation import ModelConversation
    from .outcome import usage_totals
    from .turn_plan import resets_tool_choice


def call_scope(
    run_id: str, inp: RunInput, state: RunState, agent: AgentSpec, specs: RunSpecs
) -> CallScope:
    """The run's usage goes along only when lifecycle hooks may read it."""
    return CallScope(
        run_id=run_id,
        agent_name=agent.name,
        turn=state.turn,
        context=state.context,
        usage=usage_totals(state.usage) if specs.has_hooks(agent) else None,
    )


def model_turn_input(
    scope: CallScope,
    inp: RunInput,
    state: RunState,
    agent: AgentSpec,
    specs: RunSpecs,
    conversation: ModelConversation,
    conversation_key: str,
) -> ModelTurnInput:
    """The conversation by reference: only what the model side does not hold yet."""
    return ModelTurnInput(
        scope=scope,
        conversation=ConversationRef(
            key=conversation_key,
            base_length=state.sent_length,
            delta=conversation.unsent(state.sent_length),
            server_managed=inp.server_managed,
        ),
        model=inp.run_config.model,
        model_settings=inp.run_config.model_settings,
        reset_tool_choice=resets_tool_choice(agent, state.agents_that_used_tools),
        previous_response_id=state.previous_response_id,
        conversation_id=inp.conversation_id,
        agent_start=state.agent_start_pending and specs.has_hooks(agent),
        stream_raw_events=inp.stream_raw_events,
    )

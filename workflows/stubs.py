"""Typed stubs for the run's activities: the only code that schedules them. Each names its
activity through `protocol.names` and takes the options of its kind, so a call site reads as
a typed function call and the activity code never enters the workflow sandbox.

User-code errors come back non-retryable (the activities raise them so), so the retries here
only absorb crashes, timeouts and the retryable model API errors (429, 5xx, connection). Every
activity heartbeats, so a worker that dies mid-call is noticed within the heartbeat timeout,
not after a long start-to-close timeout.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from durable_agents.spec import ToolSpec
    from protocol import names
    from protocol.callbacks import (
        AgentEndInput,
        HandoffCallInput,
        HandoffCallOutput,
        ResolveRunInput,
        ResolveRunOutput,
    )
    from protocol.guardrails import GuardrailCheckInput, GuardrailCheckOutput
    from protocol.model_turn import ModelTurnInput, ModelTurnOutput
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
        ToolsToFinalOutputInput,
        ToolsToFinalOutputOutput,
    )

T = TypeVar("T")

MODEL = workflow.ActivityConfig(
    start_to_close_timeout=timedelta(minutes=10),
    heartbeat_timeout=timedelta(seconds=10),
    retry_policy=RetryPolicy(
        initial_interval=timedelta(seconds=1),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=1),
        maximum_attempts=10,
    ),
)
TOOL = workflow.ActivityConfig(
    start_to_close_timeout=timedelta(minutes=5),
    heartbeat_timeout=timedelta(seconds=10),
    retry_policy=RetryPolicy(initial_interval=timedelta(seconds=1), maximum_attempts=5),
)
CALLBACK = workflow.ActivityConfig(
    start_to_close_timeout=timedelta(minutes=2),
    heartbeat_timeout=timedelta(seconds=10),
    retry_policy=RetryPolicy(initial_interval=timedelta(seconds=1), maximum_attempts=5),
)
RESOLVE = workflow.LocalActivityConfig(
    start_to_close_timeout=timedelta(seconds=30), retry_policy=CALLBACK["retry_policy"]
)
"""Resolving only reads the worker's registry: a local activity, since a server round trip and
two history events per run are not worth paying for it."""


async def _execute(
    name: str, arg: Any, result_type: type[T], config: workflow.ActivityConfig, summary: str
) -> T:
    return await workflow.execute_activity(
        name, arg, result_type=result_type, summary=summary, **config
    )


async def resolve_run(inp: ResolveRunInput) -> ResolveRunOutput:
    return await workflow.execute_local_activity(
        names.RESOLVE_RUN,
        inp,
        result_type=ResolveRunOutput,
        summary=f"resolve: {inp.agent_name}",
        **RESOLVE,
    )


def start_model_turn(inp: ModelTurnInput) -> workflow.ActivityHandle[ModelTurnOutput]:
    """The model call as a handle, for guardrails that run beside it and may cancel it."""
    return workflow.start_activity(
        names.MODEL_TURN,
        inp,
        result_type=ModelTurnOutput,
        summary=f"model: {inp.scope.agent_name} (turn {inp.scope.turn})",
        **MODEL,
    )


async def model_turn(inp: ModelTurnInput) -> ModelTurnOutput:
    return await start_model_turn(inp)


async def call_tool(inp: ToolCallInput, spec: ToolSpec | None) -> ToolCallOutput:
    """A tool's own timeout replaces the kind's; a tool that declares `run_locally` runs as a
    local activity, skipping a server round trip."""
    timeout = (
        timedelta(seconds=spec.timeout_seconds)
        if spec is not None and spec.timeout_seconds
        else TOOL["start_to_close_timeout"]
    )
    summary = f"tool: {inp.tool_name}"
    if spec is not None and spec.run_locally:
        return await workflow.execute_local_activity(
            names.CALL_TOOL,
            inp,
            result_type=ToolCallOutput,
            start_to_close_timeout=timeout,
            retry_policy=TOOL["retry_policy"],
            summary=summary,
        )
    return await _execute(
        names.CALL_TOOL, inp, ToolCallOutput, {**TOOL, "start_to_close_timeout": timeout}, summary
    )


async def check_guardrail(inp: GuardrailCheckInput) -> GuardrailCheckOutput:
    return await _execute(
        names.CHECK_GUARDRAIL,
        inp,
        GuardrailCheckOutput,
        CALLBACK,
        f"guardrail: {inp.guardrail_name}",
    )


async def tools_to_final_output(inp: ToolsToFinalOutputInput) -> ToolsToFinalOutputOutput:
    return await _execute(
        names.TOOLS_TO_FINAL_OUTPUT,
        inp,
        ToolsToFinalOutputOutput,
        CALLBACK,
        f"tool_use_behavior: {inp.scope.agent_name}",
    )


async def invoke_handoff(inp: HandoffCallInput, target: str) -> HandoffCallOutput:
    return await _execute(
        names.INVOKE_HANDOFF,
        inp,
        HandoffCallOutput,
        CALLBACK,
        f"handoff: {inp.scope.agent_name} -> {target}",
    )


async def nest_history(inp: NestHistoryInput, source: str, target: str) -> NestHistoryOutput:
    return await _execute(
        names.NEST_HISTORY, inp, NestHistoryOutput, CALLBACK, f"nest history: {source} -> {target}"
    )


async def agent_end(inp: AgentEndInput) -> None:
    await _execute(names.AGENT_END, inp, type(None), CALLBACK, f"hooks: {inp.scope.agent_name} end")


async def store_segment(inp: StoreSegmentInput, summary: str) -> SegmentRef:
    return await _execute(names.STORE_SEGMENT, inp, SegmentRef, CALLBACK, summary)


async def load_segments(inp: LoadSegmentsInput) -> RunSegment:
    return await _execute(
        names.LOAD_SEGMENTS, inp, RunSegment, CALLBACK, f"load: {len(inp.segments)} stored segments"
    )


async def session_prepare(inp: SessionPrepareInput) -> SessionPrepareOutput:
    return await _execute(
        names.SESSION_PREPARE,
        inp,
        SessionPrepareOutput,
        CALLBACK,
        f"session: load {inp.session_id}",
    )


async def session_add(inp: SessionAddInput) -> bool:
    return await _execute(
        names.SESSION_ADD, inp, bool, CALLBACK, f"session: add {len(inp.items)} items"
    )

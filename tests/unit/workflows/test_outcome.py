"""Every way a run ends, and the result it carries."""

import pytest
from temporalio.api.enums.v1 import TimeoutType
from temporalio.exceptions import ApplicationError, CancelledError, TimeoutError

from durable_agents.guardrail import (
    GuardrailFunctionOutput,
    InputGuardrailResult,
    OutputGuardrailResult,
    ToolGuardrailFunctionOutput,
    ToolGuardrailResult,
)
from durable_agents.items import RunItem
from durable_agents.usage import Usage
from protocol.run import RunState
from protocol.segments import RunSegment
from protocol.tools import ToolTripwire
from tests.support.failures import activity_error
from workflows import outcome

TRIPPED = GuardrailFunctionOutput(tripwire_triggered=True)


def test_completed_and_cancelled_return_a_result():
    done = outcome.completed({"answer": 42})
    assert done.status == "completed" and done.final_output == {"answer": 42}
    assert not done.failed and done.with_items
    soft = outcome.cancelled()
    assert soft.status == "cancelled" and not soft.failed and not soft.hard_cancel


def test_max_turns_names_the_limit():
    ended = outcome.max_turns_exceeded(3)
    assert ended.failed and ended.error_type == "MaxTurnsExceeded"
    assert ended.status == "max_turns_exceeded" and ended.message == "Max turns (3) exceeded"


def test_tripped_guardrails_carry_their_result():
    result = InputGuardrailResult(guardrail_name="no_pii", output=TRIPPED)
    ended = outcome.input_guardrail_tripped(result)
    assert ended.error_type == "InputGuardrailTripwireTriggered"
    assert ended.status == "input_guardrail_triggered"
    assert ended.message == "Input guardrail no_pii triggered tripwire"
    assert ended.guardrail_result is result
    out = OutputGuardrailResult(
        guardrail_name="tone", agent_name="a", agent_output="x", output=TRIPPED
    )
    ended = outcome.output_guardrail_tripped(out)
    assert ended.error_type == "OutputGuardrailTripwireTriggered"
    assert ended.status == "output_guardrail_triggered"


@pytest.mark.parametrize("kind", ["input", "output"])
def test_a_tool_guardrail_tripwire_names_its_kind(kind):
    result = ToolGuardrailResult(
        guardrail_name="g",
        tool_name="t",
        output=ToolGuardrailFunctionOutput.raise_exception(),
    )
    ended = outcome.tool_guardrail_tripped(ToolTripwire(kind=kind, result=result))
    assert ended.error_type == f"Tool{kind.capitalize()}GuardrailTripwireTriggered"
    assert ended.message == f"Tool {kind} guardrail g triggered tripwire"
    assert ended.status == "tool_guardrail_triggered" and ended.guardrail_result is result


def test_an_unknown_tool_is_a_model_behavior_error():
    ended = outcome.unknown_tool("nope", "triage")
    assert ended.error_type == "ModelBehaviorError" and ended.status == "failed"
    assert ended.message == "Tool nope not found in agent triage"


def test_a_state_too_large_says_what_to_configure_and_leaves_items_out():
    ended = outcome.state_too_large("the run state", 3_000_000)
    assert ended.error_type == "RunStateTooLarge" and not ended.with_items
    assert "3000000 bytes" in ended.message and "DURABLE_AGENTS_PAYLOAD_STORAGE" in ended.message


def test_an_activity_error_fails_the_run_with_the_activitys_own_type():
    cause = ApplicationError("Tool x raised", type="UserCodeError", non_retryable=True)
    ended = outcome.from_activity_error(activity_error(cause))
    assert ended.failed and ended.status == "failed"
    assert (ended.error_type, ended.message) == ("UserCodeError", "Tool x raised")
    untyped = outcome.from_activity_error(activity_error(ApplicationError("boom")))
    assert untyped.error_type == "ActivityError"


def test_a_timed_out_activity_names_the_timeout():
    cause = TimeoutError(
        "timed out", type=TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE, last_heartbeat_details=[]
    )
    ended = outcome.from_activity_error(activity_error(cause))
    assert (ended.error_type, ended.message) == ("TimeoutError", "timed out")


def test_a_cancelled_activity_means_the_run_was_cancelled():
    ended = outcome.from_activity_error(activity_error(CancelledError("cancelled")))
    assert ended.hard_cancel and ended.status == "cancelled" and not ended.failed


def test_usage_totals_drop_the_per_request_entries():
    usage = Usage()
    usage.add(Usage(requests=1, input_tokens=3, output_tokens=4, total_tokens=7))
    totals = outcome.usage_totals(usage)
    assert (totals.requests, totals.total_tokens) == (1, 7)
    assert totals.request_usage_entries == []


def test_the_result_joins_stored_items_with_the_runs_own():
    item = RunItem(type="message_output_item", agent_name="a", raw_item={"type": "message"})
    state = RunState(current_agent="b", original_input="hi", turn=4, session_items=[item])
    stored = RunSegment(session_items=[item.model_copy(update={"agent_name": "old"})])
    stored.extend(outcome.current_segment(state))
    result = outcome.build_result("run-1", outcome.completed("ok"), state, 10, stored)
    assert result.run_id == "run-1" and result.status == "completed"
    assert result.final_output == "ok" and result.last_agent_name == "b"
    assert (result.current_turn, result.max_turns) == (4, 10)
    assert [i.agent_name for i in result.new_items] == ["old", "a"]
    assert result.input == "hi"


def test_progress_before_the_run_starts_is_its_status_only() -> None:
    answer = outcome.progress("running", None, None, cancel_requested=False)
    assert (answer.status, answer.current_turn, answer.current_agent) == ("running", 0, "")

"""plan_handoff: the first handoff wins, the others are answered, and what needs an activity."""

import json

from durable_agents.items import function_call
from durable_agents.spec import HandoffSpec
from workflows.handoff_plan import MULTIPLE_HANDOFFS_MESSAGE, plan_handoff

from .specs import TRIAGE, run_specs

TO_BILLING = HandoffSpec(tool_name="transfer_to_billing", target_agent="billing")
TO_SALES = HandoffSpec(tool_name="transfer_to_sales", target_agent="sales")


def _call(name, call_id):
    return function_call(name, {}, call_id=call_id)


def test_a_single_handoff_adds_its_output_and_needs_no_activity():
    move = plan_handoff(
        TRIAGE, [(_call("transfer_to_billing", "h1"), TO_BILLING)], run_specs(), True
    )
    assert move.target == "billing" and move.call["call_id"] == "h1"
    [item] = move.items
    assert item.type == "handoff_output_item"
    assert item.source_agent == "triage" and item.target_agent == "billing"
    assert item.raw_item["call_id"] == "h1"
    assert json.loads(item.raw_item["output"]) == {"assistant": "billing"}
    assert not move.needs_activity and move.nest_history


def test_the_first_of_several_handoffs_wins_and_the_others_get_an_error_output():
    calls = [
        (_call("transfer_to_sales", "h1"), TO_SALES),
        (_call("transfer_to_billing", "h2"), TO_BILLING),
    ]
    move = plan_handoff(TRIAGE, calls, run_specs(), True)
    assert move.target == "sales"
    ignored, won = move.items
    assert ignored.type == "tool_call_output_item" and ignored.raw_item["call_id"] == "h2"
    assert ignored.output == MULTIPLE_HANDOFFS_MESSAGE
    assert won.type == "handoff_output_item" and won.raw_item["call_id"] == "h1"


def test_a_callback_a_filter_or_hooks_need_an_activity():
    call = _call("transfer_to_billing", "h1")
    with_callback = TO_BILLING.model_copy(update={"has_callback": True})
    assert plan_handoff(TRIAGE, [(call, with_callback)], run_specs(), True).needs_activity
    with_filter = TO_BILLING.model_copy(update={"has_input_filter": True})
    move = plan_handoff(TRIAGE, [(call, with_filter)], run_specs(), True)
    assert move.needs_activity and move.run_filter
    run_filter = plan_handoff(
        TRIAGE, [(call, TO_BILLING)], run_specs(has_handoff_input_filter=True), True
    )
    assert run_filter.run_filter and run_filter.needs_activity
    hooks = plan_handoff(TRIAGE, [(call, TO_BILLING)], run_specs(has_run_hooks=True), True)
    assert hooks.run_hooks and hooks.needs_activity and not hooks.run_filter


def test_the_handoffs_own_nesting_setting_overrides_the_runs():
    call = _call("transfer_to_billing", "h1")
    assert not plan_handoff(TRIAGE, [(call, TO_BILLING)], run_specs(), False).nest_history
    never = TO_BILLING.model_copy(update={"nest_handoff_history": False})
    assert not plan_handoff(TRIAGE, [(call, never)], run_specs(), True).nest_history
    always = TO_BILLING.model_copy(update={"nest_handoff_history": True})
    assert plan_handoff(TRIAGE, [(call, always)], run_specs(), False).nest_history

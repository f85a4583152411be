"""plan_turn: how one model response is sorted into items, tool calls and handoffs."""

from durable_agents.items import assistant_message, function_call
from durable_agents.models import ModelResponse
from workflows.turn_plan import next_previous_response_id, plan_turn, resets_tool_choice

from .specs import OFFERED, TRIAGE

REASONING = {"type": "reasoning", "id": "rs_1", "summary": []}


def _plan(*output, offered=OFFERED):
    return plan_turn(TRIAGE, ModelResponse(output=list(output)), offered)


def test_a_text_reply_is_one_message_item_and_no_calls():
    plan = _plan(assistant_message("hello"))
    assert [i.type for i in plan.items] == ["message_output_item"]
    assert plan.items[0].agent_name == "triage"
    assert not plan.uses_tools and plan.unknown_tool is None
    assert plan.model_items == 1


def test_tool_calls_keep_model_order_beside_reasoning_and_text():
    plan = _plan(
        REASONING,
        function_call("refund", {"id": 1}, call_id="c1"),
        assistant_message("working on it"),
        function_call("lookup", {"id": 2}, call_id="c2"),
    )
    assert [i.type for i in plan.items] == [
        "reasoning_item",
        "tool_call_item",
        "message_output_item",
        "tool_call_item",
    ]
    assert [c["call_id"] for c in plan.tool_calls] == ["c1", "c2"]
    assert plan.handoff_calls == [] and plan.uses_tools
    assert plan.model_items == 4


def test_a_handoff_call_names_its_spec():
    plan = _plan(function_call("transfer_to_billing", {}, call_id="h1"))
    assert [i.type for i in plan.items] == ["handoff_call_item"]
    [(raw, spec)] = plan.handoff_calls
    assert raw["call_id"] == "h1" and spec.target_agent == "billing"
    assert plan.tool_calls == [] and plan.uses_tools


def test_multiple_handoffs_are_all_planned_in_order():
    plan = _plan(
        function_call("transfer_to_sales", {}, call_id="h1"),
        function_call("transfer_to_billing", {}, call_id="h2"),
    )
    assert [spec.target_agent for _, spec in plan.handoff_calls] == ["sales", "billing"]


def test_an_unknown_tool_ends_the_plan_with_the_items_before_it():
    plan = _plan(
        assistant_message("first"),
        function_call("delete_everything", {}, call_id="x"),
        function_call("lookup", {}, call_id="c1"),
    )
    assert plan.unknown_tool == "delete_everything"
    assert [i.type for i in plan.items] == ["message_output_item"]
    assert plan.tool_calls == []


def test_a_tool_the_model_was_not_offered_is_unknown():
    """A tool disabled by is_enabled this turn is not callable even though the agent has it."""
    plan = _plan(function_call("refund", {}, call_id="c1"), offered=["lookup"])
    assert plan.unknown_tool == "refund"


def test_items_that_are_not_run_items_are_skipped_and_not_counted():
    plan = _plan({"type": "something_new", "id": "z"}, assistant_message("ok"))
    assert [i.type for i in plan.items] == ["message_output_item"]
    assert plan.model_items == 1


def test_an_empty_response_plans_nothing():
    plan = _plan()
    assert plan.items == [] and not plan.uses_tools and plan.model_items == 0


def test_reset_tool_choice_after_the_agent_used_a_tool():
    assert resets_tool_choice(TRIAGE, ["triage"])
    assert not resets_tool_choice(TRIAGE, ["billing"])
    keep = TRIAGE.model_copy(update={"reset_tool_choice": False})
    assert not resets_tool_choice(keep, ["triage"])


def test_previous_response_id_chains_only_once_the_run_uses_it():
    response = ModelResponse(output=[], response_id="resp_2")
    chain = dict(auto_previous_response_id=False, conversation_id=None)
    assert next_previous_response_id(None, response, **chain) is None
    assert next_previous_response_id("resp_1", response, **chain) == "resp_2"
    auto = dict(auto_previous_response_id=True, conversation_id=None)
    assert next_previous_response_id(None, response, **auto) == "resp_2"
    conversation = dict(auto_previous_response_id=True, conversation_id="conv_1")
    assert next_previous_response_id("resp_1", response, **conversation) == "resp_1"
    no_id = ModelResponse(output=[])
    assert next_previous_response_id("resp_1", no_id, **chain) == "resp_1"

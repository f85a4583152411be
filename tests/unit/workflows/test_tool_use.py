"""The built-in tool_use_behaviors and the shaping of a custom one's answer."""

from durable_agents.items import function_call
from protocol.tools import ToolCallOutput, ToolsToFinalOutputOutput
from workflows.tool_use import (
    FinalOutput,
    builtin_decision,
    custom_decision_output,
    needs_custom_decision,
    tool_output_item,
)

from .specs import TRIAGE

RESULTS = [
    (function_call("lookup", {}, call_id="c1"), ToolCallOutput(output={"n": 1}, output_text="1")),
    (function_call("refund", {}, call_id="c2"), ToolCallOutput(output={"n": 2}, output_text="2")),
]


def _agent(behavior, **fields):
    return TRIAGE.model_copy(update={"tool_use_behavior": behavior, **fields})


def test_run_llm_again_never_ends_the_run():
    assert builtin_decision(_agent("run_llm_again"), RESULTS) is None


def test_stop_on_first_tool_takes_the_first_output_as_text():
    assert builtin_decision(_agent("stop_on_first_tool"), RESULTS) == FinalOutput("1")


def test_stop_on_first_tool_keeps_the_value_for_a_structured_output():
    agent = _agent("stop_on_first_tool", plain_text_output=False)
    assert builtin_decision(agent, RESULTS) == FinalOutput({"n": 1})


def test_stop_at_tools_takes_the_first_named_tool():
    agent = _agent("stop_at_tools", stop_at_tool_names=["refund"])
    assert builtin_decision(agent, RESULTS) == FinalOutput("2")


def test_stop_at_tools_goes_on_when_no_named_tool_ran():
    agent = _agent("stop_at_tools", stop_at_tool_names=["other"])
    assert builtin_decision(agent, RESULTS) is None


def test_no_tool_results_decide_nothing():
    assert builtin_decision(_agent("stop_on_first_tool"), []) is None
    assert not needs_custom_decision(_agent("custom"), [])


def test_a_custom_behaviour_is_asked_only_when_tools_ran():
    assert needs_custom_decision(_agent("custom"), RESULTS)
    assert not needs_custom_decision(_agent("stop_on_first_tool"), RESULTS)
    assert builtin_decision(_agent("custom"), RESULTS) is None


def test_a_custom_answer_becomes_text_for_a_plain_text_agent():
    agent = _agent("custom")
    decided = ToolsToFinalOutputOutput(is_final_output=True, final_output={"a": 1})
    assert custom_decision_output(agent, decided) == FinalOutput('{"a": 1}')
    assert custom_decision_output(
        agent, ToolsToFinalOutputOutput(is_final_output=True, final_output="done")
    ) == FinalOutput("done")
    not_final = ToolsToFinalOutputOutput(is_final_output=False, final_output="x")
    assert custom_decision_output(agent, not_final) is None


def test_a_custom_answer_keeps_its_value_for_a_structured_output():
    agent = _agent("custom", plain_text_output=False)
    decided = ToolsToFinalOutputOutput(is_final_output=True, final_output={"a": 1})
    assert custom_decision_output(agent, decided) == FinalOutput({"a": 1})


def test_a_final_output_of_none_is_still_final():
    assert FinalOutput(None) is not None
    decided = ToolsToFinalOutputOutput(is_final_output=True, final_output=None)
    assert custom_decision_output(_agent("custom", plain_text_output=False), decided) == (
        FinalOutput(None)
    )


def test_a_tool_output_item_carries_text_for_the_model_and_the_value_for_the_result():
    call, out = RESULTS[0]
    item = tool_output_item("triage", call, out)
    assert item.type == "tool_call_output_item" and item.agent_name == "triage"
    assert item.raw_item == {"type": "function_call_output", "call_id": "c1", "output": "1"}
    assert item.output == {"n": 1}

"""The reference's module paths and names, imported as an Agents SDK program imports them
(`from agents.x import y` with `agents` -> `durable_agents`), and what they do where they do
something."""

import re
import subprocess
import sys

import pytest
from openai import AsyncOpenAI
from openai.types.shared import Reasoning as OpenAIReasoning

import durable_agents
from durable_agents.agent import Agent, AgentBase
from durable_agents.exceptions import (
    AgentsException,
    InputGuardrailTripwireTriggered,
    MaxTurnsExceeded,
    ModelBehaviorError,
    OutputGuardrailTripwireTriggered,
    RunErrorDetails,
    ToolInputGuardrailTripwireTriggered,
    ToolOutputGuardrailTripwireTriggered,
    UserError,
)
from durable_agents.extensions.handoff_filters import remove_all_tools
from durable_agents.extensions.handoff_prompt import (
    RECOMMENDED_PROMPT_PREFIX,
    prompt_with_handoff_instructions,
)
from durable_agents.guardrail import (
    GuardrailFunctionOutput,
    InputGuardrailResult,
    ToolGuardrailFunctionOutput,
    ToolGuardrailResult,
    tool_input_guardrail,
)
from durable_agents.handoffs import HandoffInputData
from durable_agents.items import (
    HandoffCallItem,
    HandoffOutputItem,
    ItemHelpers,
    MessageOutputItem,
    ModelResponse,
    ReasoningItem,
    RunItem,
    ToolCallItem,
    ToolCallOutputItem,
    TResponseInputItem,
    TResponseStreamEvent,
)
from durable_agents.lifecycle import AgentHooks, RunHooks
from durable_agents.model_settings import ModelSettings
from durable_agents.models.interface import Model, ModelProvider, ModelTracing
from durable_agents.result import RunResult
from durable_agents.run import DEFAULT_MAX_TURNS, RunConfig
from durable_agents.run_context import RunContextWrapper
from durable_agents.tool import FunctionTool, Tool, function_tool
from durable_agents.tool_context import ToolContext
from durable_agents.tool_guardrails import ToolInputGuardrailResult, ToolOutputGuardrailResult
from durable_agents.tracing import (
    Span,
    Trace,
    TracingProcessor,
    add_trace_processor,
    agent_span,
    custom_span,
    function_span,
    gen_span_id,
    gen_trace_id,
    generation_span,
    get_current_span,
    get_current_trace,
    guardrail_span,
    handoff_span,
    set_trace_processors,
    set_tracing_disabled,
    set_tracing_export_api_key,
    trace,
)


def item(kind: str, raw: dict) -> RunItem:
    return RunItem(type=kind, agent_name="triage", raw_item=raw)


MESSAGE = item("message_output_item", {"type": "message", "role": "assistant", "content": []})
TOOL_CALL = item("tool_call_item", {"type": "function_call", "call_id": "c1", "name": "f"})
TOOL_OUTPUT = item("tool_call_output_item", {"type": "function_call_output", "call_id": "c1"})
HANDOFF_CALL = item("handoff_call_item", {"type": "function_call", "call_id": "h1"})
HANDOFF_OUTPUT = item("handoff_output_item", {"type": "function_call_output", "call_id": "h1"})
REASONING = item("reasoning_item", {"type": "reasoning", "summary": []})


def test_top_level_names_of_the_reference_import_from_the_package():
    for name in [
        "AgentBase",
        "HandoffInputFilter",
        "MessageOutputItem",
        "ModelTracing",
        "MultiProvider",
        "OpenAIChatCompletionsModel",
        "OpenAIProvider",
        "OpenAIResponsesModel",
        "RunErrorDetails",
        "Span",
        "Tool",
        "Trace",
        "TracingProcessor",
        "custom_span",
        "gen_span_id",
        "gen_trace_id",
        "set_default_openai_api",
        "set_default_openai_client",
        "set_default_openai_key",
        "set_trace_processors",
        "set_tracing_disabled",
        "set_tracing_export_api_key",
        "trace",
    ]:
        assert name in durable_agents.__all__
    assert all(hasattr(durable_agents, name) for name in durable_agents.__all__)
    assert Model is durable_agents.Model and ModelProvider is durable_agents.ModelProvider
    assert RunConfig is durable_agents.RunConfig and DEFAULT_MAX_TURNS == 10
    assert RunHooks and AgentHooks and ItemHelpers and ModelResponse
    assert TResponseInputItem and TResponseStreamEvent
    assert RunErrorDetails is RunResult


def test_runner_and_streamed_result_load_on_first_use_from_their_modules():
    """In a fresh interpreter: importing the modules loads neither runner/ nor activities/."""
    script = """
import sys
import durable_agents.run, durable_agents.result, durable_agents.models.openai_provider
assert not [m for m in sys.modules if m.split(".")[0] in ("runner", "activities")], sys.modules
from durable_agents.run import Runner
from durable_agents.result import RunResultStreaming
from durable_agents.models.openai_provider import OpenAIProvider
from durable_agents.models.multi_provider import MultiProvider, MultiProviderMap
from durable_agents.models.openai_responses import OpenAIResponsesModel
from durable_agents.models.openai_chatcompletions import OpenAIChatCompletionsModel
import durable_agents
assert Runner is durable_agents.Runner and RunResultStreaming is durable_agents.RunResultStreaming
assert OpenAIProvider is durable_agents.OpenAIProvider
assert issubclass(MultiProvider, durable_agents.ModelProvider)
assert MultiProviderMap().get_mapping() == {}
assert issubclass(OpenAIResponsesModel, durable_agents.Model)
assert issubclass(OpenAIChatCompletionsModel, durable_agents.Model)
"""
    subprocess.run([sys.executable, "-c", script], check=True)
    with pytest.raises(ImportError):
        from durable_agents.run import NoSuchName  # noqa: F401


def test_item_kinds_are_isinstance_views_of_run_items():
    items = [MESSAGE, TOOL_CALL, TOOL_OUTPUT, HANDOFF_CALL, HANDOFF_OUTPUT, REASONING]
    kinds = [
        MessageOutputItem,
        ToolCallItem,
        ToolCallOutputItem,
        HandoffCallItem,
        HandoffOutputItem,
        ReasoningItem,
    ]
    for run_item, kind in zip(items, kinds, strict=True):
        assert [isinstance(run_item, k) for k in kinds] == [k is kind for k in kinds]
    made = ToolCallOutputItem(agent_name="a", raw_item={"call_id": "c"}, output=3)
    assert made.type == "tool_call_output_item"
    assert isinstance(made, RunItem) and isinstance(made, ToolCallOutputItem)
    assert not isinstance(made, ToolCallItem) and not isinstance("x", ToolCallItem)


def test_an_item_made_as_a_kind_has_the_wire_form_of_a_run_item():
    made = MessageOutputItem(agent_name="a", raw_item={"type": "message"})
    plain = RunItem(type="message_output_item", agent_name="a", raw_item={"type": "message"})
    assert made.model_dump(mode="json") == plain.model_dump(mode="json")
    result = RunResult(input="hi", last_agent_name="a", new_items=[made])
    back = RunResult.model_validate_json(result.model_dump_json())
    assert back.new_items == [plain] and isinstance(back.new_items[0], MessageOutputItem)


def test_remove_all_tools_keeps_messages_only():
    history = (
        {"role": "user", "content": "hi"},
        {"type": "function_call", "call_id": "c0", "name": "f", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "c0", "output": "x"},
        {"type": "web_search_call", "id": "ws"},
        {"type": "computer_call_output", "call_id": "cc"},
        {"type": "message", "role": "assistant", "content": []},
    )
    everything = (MESSAGE, TOOL_CALL, TOOL_OUTPUT, HANDOFF_CALL, HANDOFF_OUTPUT, REASONING)
    data = HandoffInputData(
        input_history=history,
        pre_handoff_items=everything,
        new_items=everything,
        input_items=everything[::-1],
    )
    filtered = remove_all_tools(data)
    assert filtered.input_history == (history[0], history[-1])
    assert filtered.pre_handoff_items == (MESSAGE,)
    assert filtered.new_items == (MESSAGE,)
    assert filtered.input_items == (MESSAGE,)
    text = remove_all_tools(HandoffInputData("just text", (), (TOOL_CALL,)))
    assert text.input_history == "just text" and text.new_items == ()
    assert text.input_items is None


def test_handoff_prompt():
    assert "transfer_to_<agent_name>" in RECOMMENDED_PROMPT_PREFIX
    assert RECOMMENDED_PROMPT_PREFIX.startswith("# System context\n")
    prompt = prompt_with_handoff_instructions("Route billing questions.")
    assert prompt.startswith(RECOMMENDED_PROMPT_PREFIX)
    assert prompt.endswith("\n\nRoute billing questions.")


def test_model_settings_take_openai_reasoning_and_give_a_json_dict():
    settings = ModelSettings(reasoning=OpenAIReasoning(effort="low"), temperature=0.5)
    data = settings.to_json_dict()
    assert data["reasoning"] == {"effort": "low", "summary": None}
    assert data["temperature"] == 0.5 and data["top_p"] is None
    assert set(data) == set(ModelSettings.model_fields)
    newer = ModelSettings(reasoning=OpenAIReasoning(effort="max", mode="x"))  # type: ignore[call-arg]
    assert newer.reasoning.model_dump(exclude_none=True) == {"effort": "max", "mode": "x"}
    assert ModelSettings.model_validate_json(newer.model_dump_json()) == newer


def test_exceptions_take_the_reference_positional_forms():
    assert MaxTurnsExceeded("Max turns (3) exceeded").message == "Max turns (3) exceeded"
    assert str(ModelBehaviorError("bad JSON")) == "bad JSON"
    assert UserError("wrong").message == "wrong" and UserError("wrong").run_data is None
    assert isinstance(UserError("x"), AgentsException)

    result = InputGuardrailResult(guardrail_name="on_topic", output=GuardrailFunctionOutput())
    tripped = InputGuardrailTripwireTriggered(result)
    assert tripped.guardrail_result is result and "on_topic" in str(tripped)
    assert OutputGuardrailTripwireTriggered(result).guardrail_result is result

    @tool_input_guardrail
    def no_secrets(data):
        return ToolGuardrailFunctionOutput.raise_exception()

    output = ToolGuardrailFunctionOutput.raise_exception(output_info="secret")
    for error in (
        ToolInputGuardrailTripwireTriggered(no_secrets, output),
        ToolInputGuardrailTripwireTriggered(guardrail=no_secrets, output=output),
    ):
        assert error.guardrail is no_secrets and error.output is output
        assert error.guardrail_result is None and error.run_data is None
        assert "no_secrets" in str(error)
    ours = ToolGuardrailResult(guardrail_name="pii", tool_name="t", output=output)
    run = RunResult(input="x", last_agent_name="a")
    error = ToolOutputGuardrailTripwireTriggered(ours, run)
    assert error.guardrail_result is ours and error.run_data is run and error.output is output
    assert str(error) == "Tool output guardrail pii triggered tripwire"
    assert ToolInputGuardrailResult is ToolOutputGuardrailResult is ToolGuardrailResult


def test_model_tracing():
    assert [m.name for m in ModelTracing] == ["DISABLED", "ENABLED", "ENABLED_WITHOUT_DATA"]
    assert ModelTracing.DISABLED.is_disabled() and not ModelTracing.ENABLED.is_disabled()
    assert ModelTracing.ENABLED.include_data()
    assert not ModelTracing.ENABLED_WITHOUT_DATA.include_data()
    assert not ModelTracing.ENABLED_WITHOUT_DATA.is_disabled()


def test_trace_is_a_context_manager_with_an_id_and_spans_under_it():
    assert re.fullmatch(r"trace_[0-9a-f]{32}", gen_trace_id())
    assert re.fullmatch(r"span_[0-9a-f]{24}", gen_span_id())
    assert get_current_trace() is None
    with trace("Support workflow", group_id="thread-1", metadata={"k": "v"}) as t:
        assert isinstance(t, Trace) and get_current_trace() is t
        assert re.fullmatch(r"trace_[0-9a-f]{32}", t.trace_id) and t.name == "Support workflow"
        with custom_span("lookup", {"n": 1}) as outer:
            assert isinstance(outer, Span) and get_current_span() is outer
            assert outer.trace_id == t.trace_id and outer.span_data.data == {"n": 1}
            inner = function_span("get_weather", input="{}")
            assert inner.parent_id == outer.span_id and inner.span_data.type == "function"
        assert get_current_span() is None
        for span in (
            agent_span("triage", handoffs=["billing"]),
            generation_span(model="gpt-4.1"),
            handoff_span("triage", "billing"),
            guardrail_span("on_topic", triggered=True),
        ):
            with span:
                assert span.trace_id == t.trace_id and span.export()["span_data"]["type"]
    assert get_current_trace() is None
    assert trace("x", trace_id="trace_given").trace_id == "trace_given"


def test_tracing_settings_are_safe_to_call_and_disabling_gives_no_op_ids():
    class Recorder(TracingProcessor):
        def on_trace_start(self, trace): ...
        def on_trace_end(self, trace): ...
        def on_span_start(self, span): ...
        def on_span_end(self, span): ...
        def shutdown(self): ...
        def force_flush(self): ...

    add_trace_processor(Recorder())
    set_trace_processors([])
    set_tracing_export_api_key("sk-test")
    assert trace("x", disabled=True).trace_id == "no-op"
    assert custom_span("outside any trace").span_id == "no-op"
    set_tracing_disabled(True)
    try:
        with trace("x") as t:
            assert t.trace_id == "no-op" and t.export() is None
    finally:
        set_tracing_disabled(False)
    assert trace("x").trace_id.startswith("trace_")


def test_tool_context_has_the_tool_call():
    ctx = ToolContext(context=None, tool_name="f", tool_call_id="c1", tool_arguments='{"a": 1}')
    assert ctx.tool_call is not None
    assert (ctx.tool_call.name, ctx.tool_call.call_id, ctx.tool_call.arguments) == (
        "f",
        "c1",
        '{"a": 1}',
    )
    made = ToolContext.from_agent_context(RunContextWrapper({"user": 7}), "c2", ctx.tool_call)
    assert (made.context, made.tool_name, made.tool_call_id) == ({"user": 7}, "f", "c2")
    assert made.tool_call is ctx.tool_call


def test_tool_and_agent_base():
    @function_tool
    def get_weather(city: str) -> str:
        """The weather."""
        return city

    assert Tool is FunctionTool and isinstance(get_weather, Tool)
    agent = Agent(name="a", tools=[get_weather])
    assert isinstance(agent, AgentBase) and issubclass(Agent, AgentBase)


def test_default_openai_settings_are_kept_for_the_provider(monkeypatch):
    from durable_agents import openai_defaults

    for name in ("_key", "_client", "_api", "_tracing_key"):
        monkeypatch.setattr(openai_defaults, name, getattr(openai_defaults, name))
    durable_agents.set_default_openai_key("sk-program", use_for_tracing=False)
    durable_agents.set_default_openai_api("chat_completions")
    assert openai_defaults.default_openai_key() == "sk-program"
    assert openai_defaults.default_openai_api() == "chat"
    assert openai_defaults.default_openai_key_for_tracing() is None
    client = AsyncOpenAI(api_key="sk-client", max_retries=0)
    durable_agents.set_default_openai_client(client)
    assert openai_defaults.default_openai_client() is client
    assert openai_defaults.default_openai_key_for_tracing() == "sk-client"
    with pytest.raises(UserError):
        durable_agents.set_default_openai_api("completions")  # type: ignore[arg-type]

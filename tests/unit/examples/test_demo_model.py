"""The offline demo model plays each demo agent from the request alone."""

from __future__ import annotations

import json

import pytest

from durable_agents.items import assistant_message, function_call
from durable_agents.models import ModelCallContext, ModelRequest, ToolDefinition
from examples import demo_model
from examples.demo_agents import no_card_numbers

HANDOFFS = [
    ToolDefinition(name="transfer_to_billing", params_json_schema={}),
    ToolDefinition(name="transfer_to_weather", params_json_schema={}),
]


@pytest.fixture(autouse=True)
def no_thinking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo_model, "THINKING_SECONDS", 0)


def _request(agent: str, items: list[dict], turn: int = 1) -> ModelRequest:
    return ModelRequest(
        input=items,
        handoffs=HANDOFFS if agent == "triage" else [],
        call_context=ModelCallContext(run_id="r", agent_name=agent, turn=turn),
    )


def _user(text: str) -> dict:
    return {"role": "user", "content": text}


async def test_triage_hands_off_by_topic() -> None:
    billing = await demo_model.demo_reply(_request("triage", [_user("charged twice INV-7")]))
    weather = await demo_model.demo_reply(_request("triage", [_user("Rain in London?")]))
    assert billing["name"] == "transfer_to_billing"  # type: ignore[index]
    assert weather["name"] == "transfer_to_weather"  # type: ignore[index]


async def test_billing_looks_up_refunds_then_answers() -> None:
    items = [_user("I was charged twice for inv-7")]
    reply = await demo_model.demo_reply(_request("billing", items, turn=2))
    assert reply["name"] == "lookup_invoice"  # type: ignore[index]
    assert json.loads(reply["arguments"]) == {"invoice_id": "INV-7"}  # type: ignore[index]

    invoice = {"invoice_id": "INV-7", "amount": 10.0, "times_charged": 2}
    items += [
        reply,
        {
            "type": "function_call_output",
            "call_id": reply["call_id"],
            "output": json.dumps(invoice),
        },  # type: ignore[index]
    ]
    refund = await demo_model.demo_reply(_request("billing", items, turn=3))
    assert refund["name"] == "issue_refund"  # type: ignore[index]

    items += [
        refund,
        {
            "type": "function_call_output",
            "call_id": refund["call_id"],
            "output": "Refund RF-1 issued.",
        },  # type: ignore[index]
    ]
    answer = await demo_model.demo_reply(_request("billing", items, turn=4))
    assert answer == assistant_message("You were charged twice for INV-7. Refund RF-1 issued.")


async def test_weather_calls_the_tool_then_answers_and_is_deterministic() -> None:
    items = [_user("What's the weather in Tokyo?")]
    first = await demo_model.demo_reply(_request("weather", items, turn=2))
    again = await demo_model.demo_reply(_request("weather", items, turn=2))
    assert (
        first == again == function_call("get_weather", {"city": "Tokyo"}, call_id="call_weather_2")
    )
    items += [
        first,
        {"type": "function_call_output", "call_id": "call_weather_2", "output": "rain"},
    ]
    answer = await demo_model.demo_reply(_request("weather", items, turn=3))
    assert "Weather in Tokyo: rain. Take an umbrella." in str(answer)


def test_guardrail_trips_on_card_numbers_only() -> None:
    check = no_card_numbers.guardrail_function
    assert check(None, None, "card 4111 1111 1111 1111").tripwire_triggered
    assert not check(None, None, "invoice INV-1042 for 49 EUR").tripwire_triggered

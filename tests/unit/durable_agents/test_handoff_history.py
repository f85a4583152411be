"""The nested handoff history is the reference's text, byte for byte, for the same items.

`EXPECTED` was produced by openai-agents 0.6.8 (openai 2.9.0): its
`agents.handoffs.history.nest_handoff_history` over these items, the output items validated
into openai's models as the reference's runner holds them, the output dicts as its
`ItemHelpers.tool_call_output_item` builds them.
"""

from __future__ import annotations

from durable_agents.handoff_history import nest_handoff_history
from durable_agents.items import RunItem

# Output items with their keys in the order the Responses API sends them (nulls dropped).
REASONING = {
    "id": "rs_1",
    "type": "reasoning",
    "summary": [{"type": "summary_text", "text": "The user wants a seat."}],
}
TOOL_CALL = {
    "id": "fc_1",
    "type": "function_call",
    "status": "completed",
    "arguments": '{"city": "Rome"}',
    "call_id": "call_1",
    "name": "lookup",
}
TOOL_OUTPUT = {"type": "function_call_output", "call_id": "call_1", "output": "Rome: 21C"}
MESSAGE = {
    "id": "msg_1",
    "type": "message",
    "status": "completed",
    "content": [
        {
            "type": "output_text",
            "annotations": [
                {
                    "type": "url_citation",
                    "url": "https://example.com/rome",
                    "title": "Rome",
                    "start_index": 0,
                    "end_index": 4,
                }
            ],
            "logprobs": [
                {
                    "token": "Rome",
                    "logprob": -0.1,
                    "bytes": [82],
                    "top_logprobs": [{"token": "Rome", "logprob": -0.1, "bytes": [82]}],
                }
            ],
            "text": "Rome is sunny; passing you to booking.",
        },
        {"type": "refusal", "refusal": "No card numbers."},
    ],
    "role": "assistant",
}
HANDOFF_CALL = {
    "id": "fc_2",
    "type": "function_call",
    "status": "completed",
    "arguments": "{}",
    "call_id": "call_2",
    "name": "transfer_to_seat_booking_agent",
}
HANDOFF_OUTPUT = {
    "type": "function_call_output",
    "call_id": "call_2",
    "output": '{"assistant": "Seat Booking Agent"}',
}
EARLIER = (
    "For context, here is the conversation so far between the user and the previous agent:\n"
    "<CONVERSATION HISTORY>\n"
    "1. user: Hi\n"
    "2. developer (ops): be nice\n"
    "3. user (): odd name\n"
    "</CONVERSATION HISTORY>"
)
INPUT = [
    {"role": "assistant", "content": EARLIER},
    {"role": "user", "content": "Book me a seat to Rome, ünïcode ok"},
]

EXPECTED = (
    "For context, here is the conversation so far between the user and the previous agent:\n"
    "<CONVERSATION HISTORY>\n"
    "1. user: Hi\n"
    "2. developer (ops): be nice\n"
    "3. user (): odd name\n"
    "4. user: Book me a seat to Rome, ünïcode ok\n"
    '5. reasoning: {"id": "rs_1", "summary": [{"text": "The user wants a seat.", '
    '"type": "summary_text"}]}\n'
    '6. function_call: {"arguments": "{\\"city\\": \\"Rome\\"}", "call_id": "call_1", '
    '"name": "lookup", "id": "fc_1", "status": "completed"}\n'
    '7. function_call_output: {"call_id": "call_1", "output": "Rome: 21C"}\n'
    '8. assistant: [{"annotations": [{"end_index": 4, "start_index": 0, "title": "Rome", '
    '"type": "url_citation", "url": "https://example.com/rome"}], '
    '"text": "Rome is sunny; passing you to booking.", "type": "output_text", '
    '"logprobs": [{"token": "Rome", "bytes": [82], "logprob": -0.1, '
    '"top_logprobs": [{"token": "Rome", "bytes": [82], "logprob": -0.1}]}]}, '
    '{"refusal": "No card numbers.", "type": "refusal"}]\n'
    '9. function_call: {"arguments": "{}", "call_id": "call_2", '
    '"name": "transfer_to_seat_booking_agent", "id": "fc_2", "status": "completed"}\n'
    '10. function_call_output: {"call_id": "call_2", '
    '"output": "{\\"assistant\\": \\"Seat Booking Agent\\"}"}\n'
    "</CONVERSATION HISTORY>"
)


def _items(*pairs: tuple[str, dict]) -> list[RunItem]:
    return [RunItem(type=kind, agent_name="triage", raw_item=raw) for kind, raw in pairs]


def test_the_summary_is_the_reference_text_for_the_same_items() -> None:
    pre = _items(
        ("reasoning_item", REASONING),
        ("tool_call_item", TOOL_CALL),
        ("tool_call_output_item", TOOL_OUTPUT),
    )
    new = _items(
        ("message_output_item", MESSAGE),
        ("handoff_call_item", HANDOFF_CALL),
        ("handoff_output_item", HANDOFF_OUTPUT),
    )
    history, kept, forwarded = nest_handoff_history(INPUT, pre, new)
    assert history == [{"role": "assistant", "content": EXPECTED}]
    assert [i.type for i in kept] == ["reasoning_item"]
    assert [i.type for i in forwarded] == ["message_output_item"]
    # The items themselves are left as they were.
    assert list(kept[0].raw_item) == ["id", "type", "summary"]
    assert list(forwarded[0].raw_item) == ["id", "type", "status", "content", "role"]


def test_a_string_input_alone() -> None:
    history, kept, forwarded = nest_handoff_history("Hi", [], [])
    assert history == [
        {
            "role": "assistant",
            "content": (
                "For context, here is the conversation so far between the user and the "
                "previous agent:\n<CONVERSATION HISTORY>\n1. user: Hi\n</CONVERSATION HISTORY>"
            ),
        }
    ]
    assert kept == [] and forwarded == []


def test_runs_recorded_before_keep_their_old_text() -> None:
    """`field_order=False` (a workflow replaying a run from before the patch) is the old text."""
    new = _items(("handoff_call_item", HANDOFF_CALL), ("handoff_output_item", HANDOFF_OUTPUT))
    history, _, _ = nest_handoff_history(INPUT, [], new, field_order=False)
    lines = history[0]["content"].splitlines()
    assert lines[4] == "3. user: odd name"
    assert lines[6] == (
        '5. function_call: {"id": "fc_2", "status": "completed", "arguments": "{}", '
        '"call_id": "call_2", "name": "transfer_to_seat_booking_agent"}'
    )

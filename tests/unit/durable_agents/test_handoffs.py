"""The default handoff tool name, transformed as the reference's `Handoff.default_tool_name`."""

from __future__ import annotations

import pytest

from durable_agents import Agent, handoff
from durable_agents.handoffs import Handoff


@pytest.mark.parametrize(
    ("agent_name", "tool_name"),
    [
        ("Seat Booking Agent", "transfer_to_seat_booking_agent"),
        ("Seat_Booking_Agent", "transfer_to_seat_booking_agent"),
        ("FAQ", "transfer_to_faq"),
        ("billing", "transfer_to_billing"),
        ("Billing-Agent!", "transfer_to_billing_agent_"),
        ("agent 2.0", "transfer_to_agent_2_0"),
    ],
)
def test_default_tool_name_is_lowercase_snake(agent_name: str, tool_name: str) -> None:
    agent = Agent(name=agent_name)
    assert Handoff.default_tool_name(agent) == tool_name
    assert handoff(agent).tool_name == tool_name


def test_tool_name_override_is_kept_as_given() -> None:
    agent = Agent(name="Seat Booking Agent")
    assert handoff(agent, tool_name_override="Book_Seat").tool_name == "Book_Seat"

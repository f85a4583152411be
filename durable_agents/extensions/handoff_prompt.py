"""A system prompt prefix for agents that hand off, as in the reference's `agents.extensions`."""

RECOMMENDED_PROMPT_PREFIX = (
    "# System context\n"
    "You are one agent in a multi-agent system built with the Agents SDK, which coordinates "
    "agents through two ideas: **Agents** and **Handoffs**. An agent has its own instructions "
    "and tools, and can hand the conversation over to another agent when that agent is the "
    "better fit. You hand off by calling a handoff function, usually named "
    "`transfer_to_<agent_name>`. The transfer happens seamlessly in the background: do not "
    "mention it or draw the user's attention to it.\n"
)
"""Put it at the start of the instructions of agents that use handoffs."""


def prompt_with_handoff_instructions(prompt: str) -> str:
    """`prompt` with `RECOMMENDED_PROMPT_PREFIX` in front of it."""
    return f"{RECOMMENDED_PROMPT_PREFIX}\n\n{prompt}"

"""Instructions functions are checked as the reference checks them: exactly two parameters
(context, agent), else a `TypeError`; the registry checks every agent it can reach up front."""

from __future__ import annotations

import asyncio
import functools

import pytest

from durable_agents import Agent, AgentRegistry, RunContextWrapper

# The reference's message (Agent.get_system_prompt in openai-agents 0.6.8).
ONE_PARAM = (
    "'instructions' callable must accept exactly 2 arguments (context, agent), but got 1: ['ctx']"
)


def one(ctx):
    return "one"


def three(ctx, agent, extra):
    return "three"


def varargs(*args):
    return "varargs"


def two(ctx, agent):
    return f"two for {agent.name}"


async def two_async(ctx, agent):
    return f"async for {agent.name}"


def prompt(agent: Agent) -> str | None:
    return asyncio.run(agent.get_system_prompt(RunContextWrapper(None)))


def test_two_parameters_are_called_with_context_and_agent() -> None:
    assert prompt(Agent(name="a", instructions=two)) == "two for a"
    assert prompt(Agent(name="a", instructions=two_async)) == "async for a"
    assert prompt(Agent(name="a", instructions=lambda c, a: "lambda")) == "lambda"
    assert prompt(Agent(name="a", instructions=functools.partial(three, None))) == "three"
    assert prompt(Agent(name="a", instructions="static")) == "static"
    assert prompt(Agent(name="a")) is None


@pytest.mark.parametrize(
    ("instructions", "message"),
    [
        (one, ONE_PARAM),
        (
            three,
            "'instructions' callable must accept exactly 2 arguments (context, agent), "
            "but got 3: ['ctx', 'agent', 'extra']",
        ),
        (
            functools.partial(three, extra=1),  # `extra` is still a parameter
            "'instructions' callable must accept exactly 2 arguments (context, agent), "
            "but got 3: ['ctx', 'agent', 'extra']",
        ),
        (
            varargs,
            "'instructions' callable must accept exactly 2 arguments (context, agent), "
            "but got 1: ['args']",
        ),
    ],
)
def test_other_signatures_are_a_type_error_when_resolved(instructions, message) -> None:
    with pytest.raises(TypeError) as info:
        prompt(Agent(name="a", instructions=instructions))
    assert str(info.value) == message


def test_the_registry_refuses_a_wrong_signature_up_front() -> None:
    with pytest.raises(TypeError) as info:
        AgentRegistry([Agent(name="a", instructions=one)])
    assert str(info.value) == f"agent 'a': {ONE_PARAM}"


def test_the_registry_checks_agents_reached_through_handoffs() -> None:
    target = Agent(name="target", instructions=one)
    with pytest.raises(TypeError, match="agent 'target': 'instructions' callable must accept"):
        AgentRegistry([Agent(name="start", instructions=two, handoffs=[target])])


def test_the_registry_takes_good_instructions() -> None:
    AgentRegistry([Agent(name="a", instructions=two, handoffs=[Agent(name="b", instructions="x")])])


def test_instructions_that_are_neither_text_nor_callable_are_a_type_error() -> None:
    with pytest.raises(TypeError) as info:
        Agent(name="a", instructions=3)  # type: ignore[arg-type]
    assert str(info.value) == "Agent instructions must be a string, callable, or None, got int"

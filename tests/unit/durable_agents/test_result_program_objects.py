"""`RunResult.last_agent` and `context_wrapper`: the program's objects when `Runner` has them,
a clear error (naming what there is instead) for a result of a run started by name."""

from __future__ import annotations

import pytest

from durable_agents import Agent, RunResult, UserError


def test_a_result_by_name_says_where_its_last_agent_is() -> None:
    result = RunResult(input="hi", last_agent_name="guide")
    with pytest.raises(UserError, match="'guide', `last_agent_name`"):
        result.last_agent  # noqa: B018
    with pytest.raises(UserError, match="its usage is `usage`"):
        result.context_wrapper  # noqa: B018


def test_runner_gives_its_result_the_programs_agent_and_context() -> None:
    guide, context = Agent(name="guide"), {"city": "Rome"}
    result = RunResult(run_id="r1", input="hi", last_agent_name="guide")
    bound = result.with_program_objects({"guide": guide}.__getitem__, context)
    assert bound.last_agent is guide
    assert bound.context_wrapper.context is context
    assert bound.context_wrapper.usage is result.usage and bound.context_wrapper.run_id == "r1"
    # Private to this process: the data form is unchanged, and has none of them.
    data = RunResult.model_validate_json(bound.model_dump_json())
    assert (
        data.model_dump()
        == RunResult(run_id="r1", input="hi", last_agent_name="guide").model_dump()
    )
    with pytest.raises(UserError):
        data.last_agent  # noqa: B018


def test_items_name_their_agent_until_runner_gives_them_the_object() -> None:
    from durable_agents.items import RunItem

    item = RunItem(type="message_output_item", agent_name="guide", raw_item={"type": "message"})
    assert item.agent.name == "guide"  # by name: a run started by name has no Agent objects
    twin = item.model_copy()
    guide = Agent(name="guide")
    RunResult(input="hi", last_agent_name="guide", new_items=[item]).with_program_objects(
        {"guide": guide}.__getitem__, None
    )
    assert item.agent is guide
    assert item == twin  # equal by their data, whoever holds the agent

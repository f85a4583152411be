"""The worker's activity list: every activity type `protocol.names` declares, each once."""

from __future__ import annotations

from temporalio import activity

from activities.context import WorkerDeps
from activities.families import all_activities
from durable_agents import Agent
from durable_agents.registry import AgentRegistry
from protocol import names


def test_all_activities_register_every_declared_activity_type_once():
    deps = WorkerDeps(AgentRegistry([Agent(name="a")]))
    registered = [activity._Definition.must_from_callable(fn).name for fn in all_activities(deps)]
    declared = {value for value in vars(names).values() if str(value).startswith("agents.")}
    assert sorted(registered) == sorted(declared)

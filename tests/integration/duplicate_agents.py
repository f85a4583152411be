"""A registry module with two different agents of one name: the worker must refuse to start."""

from durable_agents import Agent, AgentRegistry

registry = AgentRegistry([Agent(name="twin"), Agent(name="twin")])

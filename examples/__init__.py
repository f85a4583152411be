"""Runnable examples: the demo's agents (`demo_agents`), its offline model and its runner."""

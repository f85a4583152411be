"""Benchmarks: `python -m benchmarks [--quick] [--setup-peers]` prints one table comparing the
orchestrator's per-turn cost with a bare Temporal floor, the OpenAI Agents SDK's in-process
runner and the peers' Temporal integrations. See `benchmarks/README.md`."""

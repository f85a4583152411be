"""Which `RunConfig` fields a run cannot honour yet, so it can say so."""

from __future__ import annotations

from durable_agents import RunConfig


def test_defaults_ask_for_nothing() -> None:
    assert RunConfig().unhonoured_tracing() == []


def test_each_tracing_field_set_is_reported() -> None:
    config = RunConfig(trace_metadata={"k": "v"}, workflow_name="Agent workflow")
    assert config.unhonoured_tracing() == ["trace_metadata", "workflow_name"]


def test_tracing_disabled_is_honoured_and_silences_the_rest() -> None:
    assert RunConfig(tracing_disabled=True, trace_id="t").unhonoured_tracing() == []

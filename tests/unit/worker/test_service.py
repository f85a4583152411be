"""The worker service's configuration, registry loading and logging, without a server."""

from __future__ import annotations

import io
import json
import logging
from datetime import timedelta

import pytest
import structlog
from temporalio import activity, workflow

from durable_agents import AgentRegistry, ModelProvider
from worker.config import DEFAULT_SHUTDOWN_GRACE_SECONDS, parse_config
from worker.loading import StartupError, load_model_provider, load_registry
from worker.logging import configure_logging, wants_json


def test_defaults_and_environment() -> None:
    config = parse_config(["--registry", "m:r"], env={})
    assert config.task_queue == "agents"
    assert config.shutdown_grace == timedelta(seconds=DEFAULT_SHUTDOWN_GRACE_SECONDS)
    assert config.metrics_bind is None
    assert config.connection.connect_kwargs()["target_host"] == "localhost:7233"

    env = {
        "DURABLE_AGENTS_REGISTRY": "pkg.agents:registry",
        "TEMPORAL_ADDRESS": "temporal:7233",
        "TEMPORAL_TASK_QUEUE": "q",
        "DURABLE_AGENTS_MAX_CONCURRENT_ACTIVITIES": "8",
        "DURABLE_AGENTS_METRICS_PORT": "9464",
    }
    config = parse_config([], env=env)
    assert config.registry == "pkg.agents:registry"
    assert config.task_queue == "q"
    assert config.max_concurrent_activities == 8
    assert config.metrics_bind == "0.0.0.0:9464"
    assert config.connection.connect_kwargs()["target_host"] == "temporal:7233"


def test_flags_win_over_environment() -> None:
    config = parse_config(
        [
            "--registry",
            "a:b",
            "--task-queue",
            "flagged",
            "--address",
            "x:1",
            "--shutdown-grace",
            "2.5",
            "--max-concurrent-workflow-tasks",
            "3",
            "--metrics-port",
            "9000",
            "--metrics-host",
            "127.0.0.1",
        ],
        env={"TEMPORAL_TASK_QUEUE": "env", "TEMPORAL_ADDRESS": "y:2"},
    )
    assert config.task_queue == "flagged"
    assert config.connection.connect_kwargs()["target_host"] == "x:1"
    assert config.shutdown_grace == timedelta(seconds=2.5)
    assert config.max_concurrent_workflow_tasks == 3
    assert config.metrics_bind == "127.0.0.1:9000"


def test_registry_is_required_and_limits_positive() -> None:
    with pytest.raises(SystemExit):
        parse_config([], env={})
    with pytest.raises(SystemExit):
        parse_config(["--registry", "a:b", "--max-concurrent-activities", "0"], env={})


def test_loads_a_registry_and_a_provider() -> None:
    registry = load_registry("examples.demo_agents:registry")
    assert isinstance(registry, AgentRegistry)
    assert set(registry.agent_names()) == {"triage", "billing", "weather"}
    assert load_model_provider(None) is None


class _Provider(ModelProvider):
    def get_model(self, model_name: str | None):  # type: ignore[override]
        raise NotImplementedError


PROVIDER = _Provider()
NO_PROVIDER = None


def test_model_provider_may_be_none_or_a_provider() -> None:
    assert load_model_provider(f"{__name__}:PROVIDER") is PROVIDER
    assert load_model_provider(f"{__name__}:NO_PROVIDER") is None
    with pytest.raises(StartupError, match="not a ModelProvider"):
        load_model_provider(f"{__name__}:test_loads_a_registry_and_a_provider")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no_colon", "must be given as module:attribute"),
        ("tests.nowhere:registry", "ModuleNotFoundError"),
        ("examples.demo_agents:nothing", "has no attribute 'nothing'"),
        ("examples.demo_agents:triage_agent", "is a Agent, not a durable_agents.AgentRegistry"),
    ],
)
def test_registry_errors_say_what_is_wrong(spec: str, message: str) -> None:
    with pytest.raises(StartupError, match=message) as error:
        load_registry(spec)
    assert error.value.exit_code == 2


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_json_unless_a_terminal() -> None:
    assert wants_json("auto", io.StringIO())
    assert not wants_json("auto", _Terminal())
    assert wants_json("json", _Terminal())
    assert not wants_json("pretty", io.StringIO())


def test_json_logs_carry_bound_fields_and_sdk_records(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    on_message = (
        workflow.logger.workflow_info_on_message,
        activity.logger.activity_info_on_message,
    )
    try:
        configure_logging("json", "info")
        structlog.get_logger("t").bind(run_id="r1", agent="triage", turn=2).info("model call")
        logging.getLogger("temporalio.worker").warning(
            "sdk says", extra={"temporal_workflow": {"workflow_id": "r2", "workflow_type": "W"}}
        )
        lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    finally:
        root.handlers, _ = saved
        root.setLevel(saved[1])
        structlog.reset_defaults()
        workflow.logger.workflow_info_on_message, activity.logger.activity_info_on_message = (
            on_message
        )
    assert lines[0]["event"] == "model call"
    assert (lines[0]["run_id"], lines[0]["agent"], lines[0]["turn"]) == ("r1", "triage", 2)
    assert lines[0]["level"] == "info" and "timestamp" in lines[0]
    assert lines[1]["event"] == "sdk says"
    assert (lines[1]["run_id"], lines[1]["workflow"]) == ("r2", "W")

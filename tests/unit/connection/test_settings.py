"""`DURABLE_AGENTS_*` settings, and the deprecated `AGENTS_*` names they replaced."""

from __future__ import annotations

import pytest

from connection import settings
from worker.config import parse_config


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "_warned", set())


def test_new_name_is_read_without_a_notice(capsys: pytest.CaptureFixture[str]) -> None:
    config = parse_config([], env={"DURABLE_AGENTS_REGISTRY": "new:registry"})
    assert config.registry == "new:registry"
    assert capsys.readouterr().err == ""


def test_old_name_still_works_with_one_line_notice_per_variable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    env = {"AGENTS_REGISTRY": "old:registry", "AGENTS_LOG_LEVEL": "debug"}
    config = parse_config([], env=env)
    parse_config([], env=env)
    assert (config.registry, config.log_level) == ("old:registry", "debug")
    lines = capsys.readouterr().err.splitlines()
    assert sorted(lines) == [
        "durable-agents: AGENTS_LOG_LEVEL is deprecated, set DURABLE_AGENTS_LOG_LEVEL instead",
        "durable-agents: AGENTS_REGISTRY is deprecated, set DURABLE_AGENTS_REGISTRY instead",
    ]


def test_new_name_wins_when_both_are_set(capsys: pytest.CaptureFixture[str]) -> None:
    env = {
        "AGENTS_METRICS_PORT": "1",
        "DURABLE_AGENTS_METRICS_PORT": "9464",
        "DURABLE_AGENTS_REGISTRY": "m:r",
    }
    assert parse_config([], env=env).metrics_bind == "0.0.0.0:9464"
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("name", "value", "field", "expected"),
    [
        ("MODEL_PROVIDER", "p:provider", "model_provider", "p:provider"),
        ("MAX_CONCURRENT_ACTIVITIES", "8", "max_concurrent_activities", 8),
        ("MAX_CONCURRENT_WORKFLOW_TASKS", "3", "max_concurrent_workflow_tasks", 3),
        ("LOG_FORMAT", "json", "log_format", "json"),
    ],
)
@pytest.mark.parametrize("prefix", ["DURABLE_AGENTS_", "AGENTS_"])
def test_every_worker_setting_reads_both_names(
    prefix: str, name: str, value: str, field: str, expected: object
) -> None:
    config = parse_config(["--registry", "m:r"], env={prefix + name: value})
    assert getattr(config, field) == expected


@pytest.mark.parametrize("prefix", ["DURABLE_AGENTS_", "AGENTS_"])
def test_shutdown_grace_and_metrics_host(prefix: str) -> None:
    env = {
        prefix + "SHUTDOWN_GRACE": "2.5",
        prefix + "METRICS_PORT": "9000",
        prefix + "METRICS_HOST": "127.0.0.1",
    }
    config = parse_config(["--registry", "m:r"], env=env)
    assert config.shutdown_grace.total_seconds() == 2.5
    assert config.metrics_bind == "127.0.0.1:9000"


def test_missing_registry_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_config([], env={})
    assert "--registry" in capsys.readouterr().err

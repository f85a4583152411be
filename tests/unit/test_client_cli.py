"""The client's pieces that need no server: arguments, connection settings, links, formatting."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import TLSConfig

from client.agent_client import RunStatusInfo, _display_status, _quoted, new_run_id
from client.cli import ExitCode, _runs_table, _status_text, build_parser, exit_code_for, main
from client.connection import ConnectionOptions
from client.links import run_ui_url, ui_base_url
from durable_agents import (
    InputGuardrailTripwireTriggered,
    MaxTurnsExceeded,
    RunCancelledError,
    RunFailedError,
    UnknownAgentError,
    Usage,
)
from workflows.types import RunProgress


def test_connection_defaults_env_and_flags() -> None:
    assert ConnectionOptions(env={}).connect_kwargs() == {
        "target_host": "localhost:7233",
        "namespace": "default",
    }
    env = {"TEMPORAL_ADDRESS": "temporal:7233", "TEMPORAL_NAMESPACE": "prod"}
    assert ConnectionOptions(env=env).connect_kwargs()["target_host"] == "temporal:7233"
    flagged = ConnectionOptions(address="other:7233", api_key="k", env=env).connect_kwargs()
    assert flagged["target_host"] == "other:7233"
    assert flagged["namespace"] == "prod"
    assert flagged["api_key"] == "k" and flagged["tls"] is True


def test_api_key_from_env_turns_tls_on_and_flag_can_turn_it_off() -> None:
    env = {"TEMPORAL_API_KEY": "secret"}
    assert ConnectionOptions(env=env).connect_kwargs()["tls"] is True
    assert ConnectionOptions(tls=False, env=env).connect_kwargs()["tls"] is False


def test_mtls_files(tmp_path) -> None:
    (tmp_path / "c.pem").write_bytes(b"CERT")
    (tmp_path / "k.pem").write_bytes(b"KEY")
    tls = ConnectionOptions(
        tls_cert=tmp_path / "c.pem", tls_key=tmp_path / "k.pem", tls_server_name="x", env={}
    ).connect_kwargs()["tls"]
    assert isinstance(tls, TLSConfig)
    assert (tls.client_cert, tls.client_private_key, tls.domain) == (b"CERT", b"KEY", "x")


def test_ui_links() -> None:
    assert ui_base_url({}) == "http://localhost:8233"
    assert ui_base_url({"TEMPORAL_UI_URL": "https://ui.example/"}) == "https://ui.example"
    assert (
        run_ui_url("http://ui", "my ns", "run/1")
        == "http://ui/namespaces/my%20ns/workflows/run%2F1"
    )


def test_run_ids_are_readable_and_unique() -> None:
    first, second = new_run_id("Triage Agent"), new_run_id("Triage Agent")
    assert first.startswith("triage-agent-") and first != second


def test_visibility_query_literals_are_escaped() -> None:
    assert _quoted("o'brien") == "'o\\'brien'"


def test_display_status_prefers_what_the_run_recorded() -> None:
    assert _display_status(WorkflowExecutionStatus.RUNNING, "running") == "running"
    assert _display_status(WorkflowExecutionStatus.COMPLETED, "cancelled") == "cancelled"
    # Hard cancel: the workflow never got to record a status.
    assert _display_status(WorkflowExecutionStatus.CANCELED, "running") == "cancelled"
    assert _display_status(WorkflowExecutionStatus.TERMINATED, None) == "terminated"


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (InputGuardrailTripwireTriggered(None), ExitCode.GUARDRAIL_TRIPPED),
        (MaxTurnsExceeded("m"), ExitCode.MAX_TURNS_EXCEEDED),
        (RunCancelledError("c"), ExitCode.CANCELLED),
        (UnknownAgentError("u"), ExitCode.NOT_FOUND),
        (RunFailedError("f", "ModelBadRequest"), ExitCode.FAILED),
    ],
)
def test_exit_codes(error: Exception, code: ExitCode) -> None:
    assert exit_code_for(error) == code  # type: ignore[arg-type]


def test_parser_reads_run_options() -> None:
    args = build_parser().parse_args(
        ["run", "triage", "hi", "--context", '{"user": 1}', "--max-turns", "3", "--json"]
    )
    assert (args.agent, args.input, args.context, args.max_turns, args.json) == (
        "triage",
        "hi",
        {"user": 1},
        3,
        True,
    )
    assert build_parser().parse_args(["cancel", "r1", "--after-turn"]).after_turn


def test_usage_errors_exit_2_with_a_message() -> None:
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "triage", "hi", "--context", "{nope"], err=err)
    assert exit_info.value.code == ExitCode.USAGE


def test_status_text() -> None:
    info = RunStatusInfo(
        run_id="r1",
        agent_name="triage",
        status="running",
        start_time=datetime(2026, 1, 1, tzinfo=UTC),
        close_time=None,
        ui_url="http://ui/r1",
        progress=RunProgress(
            status="running",
            current_turn=2,
            max_turns=10,
            current_agent="billing",
            usage=Usage(requests=2, total_tokens=40),
            cancel_requested=True,
        ),
    )
    text = _status_text(info)
    assert "agent:   triage (now billing)" in text
    assert "turn:    2/10" in text
    assert "usage:   2 requests, 40 tokens" in text
    assert "cancel:  requested" in text
    assert text.endswith("ui:      http://ui/r1")


def test_runs_table() -> None:
    assert _runs_table([]) == "no runs"
    info = RunStatusInfo(
        run_id="r1",
        agent_name=None,
        status="completed",
        start_time=None,
        close_time=None,
        ui_url="http://ui/r1",
    )
    header, row = _runs_table([info]).splitlines()
    assert header.split() == ["RUN", "ID", "AGENT", "STATUS", "STARTED", "UI"]
    assert row.split() == ["r1", "?", "completed", "http://ui/r1"]

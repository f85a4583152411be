"""The client's pieces that need no server: arguments, connection settings, links, formatting."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import TLSConfig

from client.agent_client import RunStatusInfo, _display_status, _quoted, new_run_id
from client.cli import (
    Cli,
    ExitCode,
    _runs_table,
    _status_text,
    build_parser,
    event_line,
    exit_code_for,
    main,
    text_delta,
)
from client.links import run_ui_url, ui_base_url
from connection.options import ConnectionOptions
from durable_agents import (
    InputGuardrailTripwireTriggered,
    MaxTurnsExceeded,
    RunCancelledError,
    RunFailedError,
    UnknownAgentError,
    Usage,
)
from durable_agents.items import RunItem, assistant_message
from durable_agents.stream_events import (
    AgentRef,
    AgentUpdatedStreamEvent,
    RawResponsesStreamEvent,
    RunItemStreamEvent,
    StreamEvent,
)
from protocol.run import RunProgress


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


class _StubClient:
    """Streams fixed events, as `AgentClient.stream_events` would."""

    def __init__(self, events: list[StreamEvent]) -> None:
        self.events = events

    async def stream_events(self, run_id: str, from_offset: int = 0) -> AsyncIterator[Any]:
        for event in self.events[from_offset:]:
            yield event


def _raw(offset: int, kind: str, **data: Any) -> RawResponsesStreamEvent:
    return RawResponsesStreamEvent(data={"type": kind, **data}, offset=offset)


STREAMED = [
    AgentUpdatedStreamEvent(new_agent=AgentRef(name="writer"), offset=0),
    _raw(1, "response.created"),
    _raw(2, "response.output_text.delta", delta="Once upon"),
    _raw(3, "response.output_text.delta", delta=" a time."),
    _raw(4, "response.completed", response={"output": []}),
    RunItemStreamEvent(
        name="message_output_created",
        item=RunItem(
            type="message_output_item",
            agent_name="writer",
            raw_item=assistant_message("Once upon a time."),
        ),
        offset=5,
    ),
]


async def test_stream_prints_text_deltas_inline_and_json_prints_every_event() -> None:
    out = io.StringIO()
    await Cli(_StubClient(STREAMED), out, io.StringIO())._print_events("r1", 0, False)  # type: ignore[arg-type]
    first, text, last = out.getvalue().splitlines()
    assert first.split()[:3] == ["0", "agent_updated", "writer"]
    assert text == "Once upon a time."  # the deltas, on a line of their own
    assert last.split(maxsplit=3) == ["5", "message_output_created", "writer", "Once upon a time."]

    out = io.StringIO()
    await Cli(_StubClient(STREAMED), out, io.StringIO())._print_events("r1", 0, True)  # type: ignore[arg-type]
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["offset"] for line in lines] == list(range(6))
    assert lines[2] == {
        "type": "raw_response_event",
        "data": {"type": "response.output_text.delta", "delta": "Once upon"},
        "offset": 2,
    }


def test_raw_events_typed_by_openai_or_not_read_as_text_deltas_and_lines() -> None:
    delta = _raw(2, "response.output_text.delta", delta="Once")
    created = _raw(1, "response.created")
    vendor = _raw(9, "vendor.thinking.delta", delta="hm")
    assert isinstance(vendor.data, dict)  # a type openai does not know stays a dict
    assert [text_delta(e) for e in (delta, created, vendor)] == ["Once", "", ""]
    assert event_line(delta).split()[1:] == [
        "raw_response_event",
        "-",
        "response.output_text.delta",
    ]
    assert event_line(vendor).split() == ["9", "raw_response_event", "-", "vendor.thinking.delta"]


def test_run_stream_starts_a_run_that_streams_raw_events() -> None:
    assert build_parser().parse_args(["run", "writer", "hi", "--stream"]).stream

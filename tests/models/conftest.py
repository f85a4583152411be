"""Fixtures for model tests through the real `openai` client and a real Temporal dev server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from activities.models.provider import MultiProvider
from tests.core.conftest import harness_for  # noqa: F401
from tests.support.fake_openai import FakeOpenAIServer

SECRET = "sk-test-secret-123"
"""The worker's OpenAI key; it must never reach the workflow history, logs or errors."""


@pytest.fixture
def fake() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
async def provider_for() -> AsyncIterator[Callable[..., MultiProvider]]:
    """`provider_for(fake, **extra_env)`: a `MultiProvider` configured like a worker whose
    environment points `OPENAI_BASE_URL` at the fake server. Its clients are closed after."""
    made: list[MultiProvider] = []

    def make(server: FakeOpenAIServer, **extra: Any) -> MultiProvider:
        env = {"OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": SECRET, **extra}
        provider = MultiProvider(env=env)
        made.append(provider)
        return provider

    yield make
    for provider in made:
        await provider.aclose()

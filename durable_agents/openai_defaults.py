"""Process-wide OpenAI defaults a program sets, as in the reference: `set_default_openai_key`,
`set_default_openai_client` and `set_default_openai_api`.

They are kept here for the model provider of a worker in this process (the one `Runner` runs
in the program) to read when it builds its OpenAI client; a worker in another process (`python
-m worker`) has its own environment. Reading them is the provider's part: until it does, the
provider goes by its environment (`OPENAI_API_KEY`, `DURABLE_AGENTS_OPENAI_API`) alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from .exceptions import UserError

if TYPE_CHECKING:
    from openai import AsyncOpenAI

Api = Literal["responses", "chat"]

_key: str | None = None
_client: AsyncOpenAI | None = None
_api: Api | None = None
_tracing_key: str | None = None


def set_default_openai_key(key: str, use_for_tracing: bool = True) -> None:
    """The API key for OpenAI model calls, in place of `OPENAI_API_KEY`; with
    `use_for_tracing`, also the key traces are exported with (once there are traces)."""
    global _key, _tracing_key
    _key = key
    if use_for_tracing:
        _tracing_key = key


def set_default_openai_client(client: AsyncOpenAI, use_for_tracing: bool = True) -> None:
    """The `AsyncOpenAI` client for OpenAI model calls (its base URL and key included); with
    `use_for_tracing`, its key is also the one traces are exported with."""
    global _client, _tracing_key
    _client = client
    if use_for_tracing:
        _tracing_key = client.api_key


def set_default_openai_api(api: Literal["chat_completions", "responses"]) -> None:
    """The API OpenAI models are called over: "responses" (the default) or
    "chat_completions", in place of `DURABLE_AGENTS_OPENAI_API`."""
    global _api
    if api == "responses":
        _api = "responses"
    elif api in ("chat_completions", "chat"):
        _api = "chat"
    else:
        raise UserError(
            f'the default OpenAI API must be "chat_completions" or "responses", not {api!r}'
        )


def default_openai_key() -> str | None:
    """The key given to `set_default_openai_key`, or None."""
    return _key


def default_openai_client() -> AsyncOpenAI | None:
    """The client given to `set_default_openai_client`, or None."""
    return _client


def default_openai_api() -> Api | None:
    """The API given to `set_default_openai_api` ("responses" or "chat"), or None."""
    return _api


def default_openai_key_for_tracing() -> str | None:
    """The last key given with `use_for_tracing` (directly, or as a default client's), or None."""
    return _tracing_key

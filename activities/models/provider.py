"""Model providers configured from the worker's environment.

Model names select the endpoint and the API: `[chat:|responses:][provider/]model`.

- `gpt-4.1`, `openai/gpt-4.1`: OpenAI (`OPENAI_API_KEY`, `OPENAI_BASE_URL`), with the API from
  `DURABLE_AGENTS_OPENAI_API` ("responses" by default, or "chat").
- `chat:gpt-4o-mini`, `responses:gpt-4.1`: force the API for this agent.
- `ollama/llama3`: any OpenAI-compatible server, configured by
  `DURABLE_AGENTS_PROVIDER_OLLAMA_BASE_URL`, `..._API_KEY` and `..._API` ("chat" by default,
  since that is what such servers speak). `chat:`/`responses:` work here too.
- No name: `OPENAI_DEFAULT_MODEL`, else "gpt-4.1".

Only configuration lives here; keys are read at start-up and never logged. Clients are created
on first use, one per provider, with `max_retries=0` because Temporal retries the activity, and
with a timeout (`DURABLE_AGENTS_MODEL_TIMEOUT`, seconds) shorter than any sensible activity
timeout so a hung call surfaces as a classified, retryable `ModelTimeout`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Literal, cast
from urllib.parse import urlsplit

import structlog
from openai import AsyncOpenAI

from durable_agents.exceptions import UserError
from durable_agents.models import Model, ModelProvider

from .errors import register_secret
from .openai_chat import OpenAIChatCompletionsModel
from .openai_responses import OpenAIResponsesModel

Api = Literal["responses", "chat"]

OPENAI_BASE_URL = "https://api.openai.com/v1"
DEFAULT_MODEL = "gpt-4.1"
DEFAULT_TIMEOUT = 300.0
PROVIDER_ENV_PREFIX = "DURABLE_AGENTS_PROVIDER_"

_NO_KEY = "no-key"
"""Sent to servers that need no key (Ollama, vLLM); the client refuses to start without one."""

log = structlog.get_logger("durable_agents.models")


class MissingAPIKeyError(UserError):
    """A provider that needs an API key has none configured."""


def split_api_prefix(model_name: str) -> tuple[Api | None, str]:
    """`chat:gpt-4o` -> ("chat", "gpt-4o"). Only these two prefixes count, so Ollama tags such
    as `llama3:8b` are left alone."""
    for api in ("chat", "responses"):
        if model_name.startswith(f"{api}:"):
            return cast(Api, api), model_name[len(api) + 1 :]
    return None, model_name


def parse_api(value: str | None, *, setting: str, default: Api) -> Api:
    if not value:
        return default
    api = value.strip().lower()
    if api not in ("responses", "chat"):
        raise UserError(f'{setting} must be "responses" or "chat", not {value!r}')
    return cast(Api, api)


class OpenAIProvider(ModelProvider):
    """One OpenAI-compatible endpoint: base URL, key, default API and default model."""

    def __init__(
        self,
        *,
        name: str = "openai",
        api_key: str | None = None,
        base_url: str | None = None,
        api: Api = "responses",
        default_model: str = DEFAULT_MODEL,
        timeout: float = DEFAULT_TIMEOUT,
        key_setting: str = "OPENAI_API_KEY",
        openai_client: AsyncOpenAI | None = None,
    ) -> None:
        """`key_setting` names where the key should come from, for the missing-key error."""
        self.name = name
        self.base_url = base_url or OPENAI_BASE_URL
        self.api: Api = api
        self.default_model = default_model
        self.timeout = timeout
        self._api_key = api_key
        register_secret(api_key)  # so errors and logs mask it wherever a provider echoes it
        self._key_setting = key_setting
        self._client = openai_client

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> OpenAIProvider:
        env = os.environ if env is None else env
        return cls(
            api_key=env.get("OPENAI_API_KEY") or None,
            base_url=env.get("OPENAI_BASE_URL") or None,
            api=parse_api(
                env.get("DURABLE_AGENTS_OPENAI_API"),
                setting="DURABLE_AGENTS_OPENAI_API",
                default="responses",
            ),
            default_model=(env.get("OPENAI_DEFAULT_MODEL") or DEFAULT_MODEL).lower(),
            timeout=_timeout(env),
        )

    def get_model(self, model_name: str | None) -> Model:
        api, name = split_api_prefix(model_name or "")
        name = name or self.default_model
        if not name:
            raise UserError(f"model name {model_name!r} names no model for provider {self.name!r}")
        if (api or self.api) == "responses":
            return OpenAIResponsesModel(name, self.client())
        return OpenAIChatCompletionsModel(name, self.client())

    def client(self) -> AsyncOpenAI:
        """The provider's client, created on first use so workers without keys can start."""
        if self._client is None:
            self._client = AsyncOpenAI(
                api_key=self._key(),
                base_url=self.base_url,
                max_retries=0,
                timeout=self.timeout,
            )
            log.info("model client created", provider=self.name, base_url=self.base_url)
        return self._client

    async def aclose(self) -> None:
        """Closes the client's connection pool; for worker shutdown."""
        if self._client is not None:
            await self._client.close()
            self._client = None

    def _key(self) -> str:
        if self._api_key:
            return self._api_key
        if urlsplit(self.base_url).hostname == "api.openai.com":
            raise MissingAPIKeyError(
                f"{self._key_setting} is not set: the worker needs an API key to call "
                f"{self.base_url} (provider {self.name!r})"
            )
        return _NO_KEY


class MultiProvider(ModelProvider):
    """Routes model names to providers by prefix; see the module docstring.

    `providers` adds or overrides prefixes with any `ModelProvider`; other prefixes are built
    from `DURABLE_AGENTS_PROVIDER_<NAME>_*` in `env` (default: the process environment) and
    cached, so each provider keeps one client."""

    def __init__(
        self,
        *,
        env: Mapping[str, str] | None = None,
        openai_provider: ModelProvider | None = None,
        providers: Mapping[str, ModelProvider] | None = None,
    ) -> None:
        self._env = dict(os.environ if env is None else env)
        self._built: list[OpenAIProvider] = []
        """Providers made from the environment; the only ones `aclose` closes."""
        if openai_provider is None:
            openai_provider = OpenAIProvider.from_env(self._env)
            self._built.append(openai_provider)
        self._openai = openai_provider
        self._providers = {name.lower(): p for name, p in (providers or {}).items()}

    def get_model(self, model_name: str | None) -> Model:
        api, name = split_api_prefix(model_name or "")
        if "/" not in name:
            return self._openai.get_model(model_name)
        prefix, _, rest = name.partition("/")
        api_prefix = f"{api}:" if api else ""
        return self._provider(prefix.lower(), model_name or "").get_model(api_prefix + rest)

    async def aclose(self) -> None:
        """Closes every client this provider created (not those of providers passed in)."""
        for provider in self._built:
            await provider.aclose()

    def _provider(self, prefix: str, model_name: str) -> ModelProvider:
        if prefix == "openai":
            return self._openai
        if prefix not in self._providers:
            provider = self._provider_from_env(prefix, model_name)
            self._built.append(provider)
            self._providers[prefix] = provider
        return self._providers[prefix]

    def _provider_from_env(self, prefix: str, model_name: str) -> OpenAIProvider:
        setting = PROVIDER_ENV_PREFIX + re.sub(r"[^A-Z0-9]", "_", prefix.upper())
        base_url = self._env.get(f"{setting}_BASE_URL")
        if not base_url:
            raise UserError(
                f"model {model_name!r} names provider {prefix!r}, which is not configured: "
                f"set {setting}_BASE_URL (and {setting}_API_KEY, {setting}_API if needed) "
                "on the worker"
            )
        return OpenAIProvider(
            name=prefix,
            api_key=self._env.get(f"{setting}_API_KEY") or None,
            base_url=base_url,
            api=parse_api(
                self._env.get(f"{setting}_API"), setting=f"{setting}_API", default="chat"
            ),
            default_model="",
            timeout=_timeout(self._env),
            key_setting=f"{setting}_API_KEY",
        )


def _timeout(env: Mapping[str, str]) -> float:
    value = env.get("DURABLE_AGENTS_MODEL_TIMEOUT")
    if not value:
        return DEFAULT_TIMEOUT
    try:
        timeout = float(value)
    except ValueError:
        timeout = 0.0
    if timeout <= 0:
        raise UserError(f"DURABLE_AGENTS_MODEL_TIMEOUT must be a positive number, not {value!r}")
    return timeout

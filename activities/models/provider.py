"""Model providers configured from the worker's environment.

Model names select the endpoint and the API: `[chat:|responses:][provider/]model`.

- `gpt-4.1`, `openai/gpt-4.1`: OpenAI (`OPENAI_API_KEY`, `OPENAI_BASE_URL`), with the API from
  `DURABLE_AGENTS_OPENAI_API` ("responses" by default, or "chat").
- `chat:gpt-4o-mini`, `responses:gpt-4.1`: force the API for this agent.
- `ollama/llama3`: any OpenAI-compatible server, configured by
  `DURABLE_AGENTS_PROVIDER_OLLAMA_BASE_URL`, `..._API_KEY` and `..._API` ("chat" by default,
  since that is what such servers speak). `chat:`/`responses:` work here too.
- No name: `OPENAI_DEFAULT_MODEL`, else "gpt-4.1".

A program's `set_default_openai_key`, `set_default_openai_client` and `set_default_openai_api`
(kept in `durable_agents.openai_defaults`) come before `OPENAI_API_KEY`, `OPENAI_BASE_URL` and
`DURABLE_AGENTS_OPENAI_API` for the OpenAI provider, and are read each time a model is resolved,
so they take effect when set after the worker's provider was made.

Only configuration lives here; keys are never logged. Clients are created on first use, one per
provider and settings, with `max_retries=0` because Temporal retries the activity, and with a
timeout (`DURABLE_AGENTS_MODEL_TIMEOUT`, seconds) shorter than any sensible activity timeout so
a hung call surfaces as a classified, retryable `ModelTimeout`. A client the program gives is
used through `with_options` with those two settings (sharing its connection pool).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any, Literal, cast
from urllib.parse import urlsplit

import structlog
from openai import AsyncOpenAI

from durable_agents.exceptions import UserError
from durable_agents.models import Model, ModelProvider
from durable_agents.openai_defaults import (
    default_openai_api,
    default_openai_client,
    default_openai_key,
)

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
    """One OpenAI-compatible endpoint: base URL, key, default API and default model.

    The reference's arguments: `api_key`, `base_url`, `openai_client` (not with those two),
    `organization`, `project`, `use_responses` (the API when the model name does not say;
    `api` says it too). What is not given comes from `env` (default: the process environment):
    `OPENAI_API_KEY`, `OPENAI_BASE_URL`, `OPENAI_ORG_ID`, `OPENAI_PROJECT_ID`,
    `DURABLE_AGENTS_OPENAI_API`, `OPENAI_DEFAULT_MODEL` and `DURABLE_AGENTS_MODEL_TIMEOUT`.
    With `program_defaults` (the OpenAI provider; not one built for another prefix), the
    program's `set_default_openai_*` settings come before `env`: its client unless a key, base
    URL, organization, project or client was given here, its key before `OPENAI_API_KEY`, its
    API before `DURABLE_AGENTS_OPENAI_API`."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        openai_client: AsyncOpenAI | None = None,
        organization: str | None = None,
        project: str | None = None,
        use_responses: bool | None = None,
        name: str = "openai",
        api: Api | None = None,
        default_model: str | None = None,
        timeout: float | None = None,
        key_setting: str = "OPENAI_API_KEY",
        env: Mapping[str, str] | None = None,
        program_defaults: bool = True,
    ) -> None:
        """`key_setting` names where the key should come from, for the missing-key error."""
        if openai_client is not None and (api_key is not None or base_url is not None):
            raise UserError("Don't provide api_key or base_url if you provide openai_client")
        if use_responses is not None:
            chosen: Api = "responses" if use_responses else "chat"
            if api is not None and api != chosen:
                raise UserError(f"use_responses={use_responses} contradicts api={api!r}")
            api = chosen
        env = os.environ if env is None else env
        self.name = name
        self._api_key = api_key
        register_secret(api_key)  # so errors and logs mask it wherever a provider echoes it
        self._base_url = base_url
        self._organization = organization
        self._project = project
        self._given_client = openai_client
        self._api = api
        self._env_key = env.get("OPENAI_API_KEY") or None
        self._env_organization = env.get("OPENAI_ORG_ID") or None
        self._env_project = env.get("OPENAI_PROJECT_ID") or None
        register_secret(self._env_key)
        self._env_base_url = env.get("OPENAI_BASE_URL") or None
        self._env_api = parse_api(
            env.get("DURABLE_AGENTS_OPENAI_API"),
            setting="DURABLE_AGENTS_OPENAI_API",
            default="responses",
        )
        if default_model is None:
            default_model = (env.get("OPENAI_DEFAULT_MODEL") or DEFAULT_MODEL).lower()
        self.default_model = default_model
        self.timeout = _timeout(env) if timeout is None else timeout
        self._key_setting = key_setting
        self._program_defaults = program_defaults
        self._clients: dict[tuple[Any, ...], AsyncOpenAI] = {}
        """One client per settings: ("client", the client given) or ("key", key, base URL)."""
        self._created: list[AsyncOpenAI] = []
        """The clients made here (not copies of a given one); the ones `aclose` closes."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> OpenAIProvider:
        return cls(env=env)

    @property
    def api(self) -> Api:
        """The API a model name without `chat:`/`responses:` is called over, now."""
        if self._api is not None:
            return self._api
        program_api = default_openai_api() if self._program_defaults else None
        return program_api or self._env_api

    @property
    def base_url(self) -> str:
        """Where calls go now."""
        given = self._given_or_program_client()
        if given is not None:
            return str(given.base_url)
        return self._base_url or self._env_base_url or OPENAI_BASE_URL

    def get_model(self, model_name: str | None) -> Model:
        api, name = split_api_prefix(model_name or "")
        name = name or self.default_model
        if not name:
            raise UserError(f"model name {model_name!r} names no model for provider {self.name!r}")
        if (api or self.api) == "responses":
            return OpenAIResponsesModel(name, self.client())
        return OpenAIChatCompletionsModel(name, self.client())

    def client(self) -> AsyncOpenAI:
        """The client for the settings in force, created on first use (so workers without keys
        can start) and kept: a model resolved under the same settings gets the same one."""
        source = self._client_source()
        client = self._clients.get(source)
        if client is None:
            client = self._clients[source] = self._new_client(source)
        return client

    async def aclose(self) -> None:
        """Closes the connection pools of the clients made here; for worker shutdown. A given
        client's pool is its owner's to close."""
        for client in self._created:
            await client.close()
        self._created.clear()
        self._clients.clear()

    def _given_or_program_client(self) -> AsyncOpenAI | None:
        if self._given_client is not None:
            return self._given_client
        explicit = (self._api_key, self._base_url, self._organization, self._project)
        if self._program_defaults and explicit == (None, None, None, None):
            return default_openai_client()
        return None

    def _client_source(self) -> tuple[Any, ...]:
        given = self._given_or_program_client()
        if given is not None:
            return ("client", given)
        return ("key", self._key(self.base_url), self.base_url)

    def _new_client(self, source: tuple[Any, ...]) -> AsyncOpenAI:
        if source[0] == "client":
            given: AsyncOpenAI = source[1]
            if isinstance(given.api_key, str):
                register_secret(given.api_key)
            client = given.with_options(max_retries=0, timeout=self.timeout)
            log.info(
                "model client created",
                provider=self.name,
                base_url=str(client.base_url),
                client="given",
            )
            return client
        _, key, base_url = source
        client = AsyncOpenAI(
            api_key=key,
            base_url=base_url,
            organization=self._organization or self._env_organization,
            project=self._project or self._env_project,
            max_retries=0,
            timeout=self.timeout,
        )
        self._created.append(client)
        log.info("model client created", provider=self.name, base_url=base_url)
        return client

    def _key(self, base_url: str) -> str:
        program_key = default_openai_key() if self._program_defaults else None
        key = self._api_key or program_key or self._env_key
        if key:
            register_secret(key)
            return key
        if urlsplit(base_url).hostname == "api.openai.com":
            program = " (nor set_default_openai_key)" if self._program_defaults else ""
            raise MissingAPIKeyError(
                f"{self._key_setting} is not set{program}: the worker needs an API key to call "
                f"{base_url} (provider {self.name!r})"
            )
        return _NO_KEY


class MultiProviderMap:
    """Model name prefixes mapped to `ModelProvider`s, for `MultiProvider(provider_map=...)`."""

    def __init__(self) -> None:
        self._mapping: dict[str, ModelProvider] = {}

    def has_prefix(self, prefix: str) -> bool:
        return prefix in self._mapping

    def get_mapping(self) -> dict[str, ModelProvider]:
        """A copy of the prefix -> provider mapping."""
        return self._mapping.copy()

    def set_mapping(self, mapping: dict[str, ModelProvider]) -> None:
        self._mapping = mapping

    def get_provider(self, prefix: str) -> ModelProvider | None:
        return self._mapping.get(prefix)

    def add_provider(self, prefix: str, provider: ModelProvider) -> None:
        self._mapping[prefix] = provider

    def remove_provider(self, prefix: str) -> None:
        del self._mapping[prefix]


class MultiProvider(ModelProvider):
    """Routes model names to providers by prefix; see the module docstring.

    The reference's arguments: `provider_map`, whose prefixes (as written, `openai` too) come
    first, and `openai_api_key`, `openai_base_url`, `openai_client`, `openai_organization`,
    `openai_project`, `openai_use_responses` for the OpenAI provider (see `OpenAIProvider`).
    `openai_provider` replaces that provider instead; `providers` adds or overrides other
    prefixes (any case) with any `ModelProvider`. Other prefixes are built from
    `DURABLE_AGENTS_PROVIDER_<NAME>_*` in `env` (default: the process environment) and cached,
    so each provider keeps one client."""

    def __init__(
        self,
        *,
        provider_map: MultiProviderMap | None = None,
        openai_api_key: str | None = None,
        openai_base_url: str | None = None,
        openai_client: AsyncOpenAI | None = None,
        openai_organization: str | None = None,
        openai_project: str | None = None,
        openai_use_responses: bool | None = None,
        env: Mapping[str, str] | None = None,
        openai_provider: ModelProvider | None = None,
        providers: Mapping[str, ModelProvider] | None = None,
    ) -> None:
        openai_settings = {
            "api_key": openai_api_key,
            "base_url": openai_base_url,
            "openai_client": openai_client,
            "organization": openai_organization,
            "project": openai_project,
            "use_responses": openai_use_responses,
        }
        given = sorted(f"openai_{k}" for k, v in openai_settings.items() if v is not None)
        if openai_provider is not None and given:
            raise UserError(f"give openai_provider or {', '.join(given)}, not both")
        self.provider_map = provider_map
        self._env = dict(os.environ if env is None else env)
        self._built: list[OpenAIProvider] = []
        """Providers made from the environment; the only ones `aclose` closes."""
        if openai_provider is None:
            openai_provider = OpenAIProvider(env=self._env, **openai_settings)  # type: ignore[arg-type]
            self._built.append(openai_provider)
        self.openai_provider = openai_provider
        self._providers = {name.lower(): p for name, p in (providers or {}).items()}

    def get_model(self, model_name: str | None) -> Model:
        api, name = split_api_prefix(model_name or "")
        if "/" not in name:
            return self.openai_provider.get_model(model_name)
        prefix, _, rest = name.partition("/")
        api_prefix = f"{api}:" if api else ""
        mapped = self.provider_map.get_provider(prefix) if self.provider_map else None
        provider = mapped or self._provider(prefix.lower(), model_name or "")
        return provider.get_model(api_prefix + rest)

    async def aclose(self) -> None:
        """Closes every client this provider created (not those of providers passed in)."""
        for provider in self._built:
            await provider.aclose()

    def _provider(self, prefix: str, model_name: str) -> ModelProvider:
        if prefix == "openai":
            return self.openai_provider
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
            env={},
            program_defaults=False,
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

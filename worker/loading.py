"""Loading user code named on the command line (`module:attribute`), with errors a person can act
on: the worker refuses to start with one line that says what is wrong, never a traceback."""

from __future__ import annotations

import importlib
from typing import Any

from durable_agents.models import ModelProvider
from durable_agents.registry import AgentRegistry


class StartupError(Exception):
    """The worker cannot start; the message is shown as is. Exit code 2 means the configuration
    is wrong (fix it before restarting), 1 that the outside world failed (a restart may help)."""

    def __init__(self, message: str, *, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def load_object(spec: str, what: str) -> Any:
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise StartupError(f"{what} must be given as module:attribute, got {spec!r}")
    try:
        module = importlib.import_module(module_name)
    except Exception as error:  # user code: any import-time failure is a configuration error
        raise StartupError(
            f"cannot load {what} {spec!r}: {type(error).__name__}: {error}"
        ) from error
    value: Any = module
    for part in attribute.split("."):
        try:
            value = getattr(value, part)
        except AttributeError:
            raise StartupError(
                f"cannot load {what} {spec!r}: "
                f"module {module_name!r} has no attribute {attribute!r}"
            ) from None
    return value


def load_registry(spec: str) -> AgentRegistry:
    registry = load_object(spec, "registry")
    if not isinstance(registry, AgentRegistry):
        raise StartupError(
            f"registry {spec!r} is a {type(registry).__name__}, not a durable_agents.AgentRegistry"
        )
    if not registry.agent_names():
        raise StartupError(f"registry {spec!r} has no agents")
    return registry


def load_model_provider(spec: str | None) -> ModelProvider | None:
    """None keeps the default provider; so does a module attribute that is None (a module may
    choose its provider at import time, e.g. only when no API key is set)."""
    if spec is None:
        return None
    provider = load_object(spec, "model provider")
    if provider is not None and not isinstance(provider, ModelProvider):
        raise StartupError(
            f"model provider {spec!r} is a {type(provider).__name__}, not a ModelProvider"
        )
    return provider

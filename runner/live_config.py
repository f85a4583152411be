"""A `RunConfig`'s objects (a `Model`, a model provider, callables, guardrail objects), taken
out for the worker `Runner` runs in the program's process, with what the run carries in their
place: names, which that worker resolves to those objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from activities.models.provider import MultiProvider
from durable_agents.models import Model, ModelProvider
from durable_agents.run_config import CALLABLE_FIELDS, RunConfig

RUN_MODEL = "run-config-model"
"""The name the run carries for `RunConfig.model` given as a `Model` object."""


class RunModelProvider(ModelProvider):
    """The run's `Model` object for its name, anything else from the provider underneath."""

    def __init__(self, model: Model, base: ModelProvider | None) -> None:
        self._model = model
        self._base = base

    def get_model(self, model_name: str | None) -> Model:
        if model_name == RUN_MODEL:
            return self._model
        if self._base is None:
            self._base = MultiProvider()
        return self._base.get_model(model_name)


@dataclass
class LiveConfig:
    carried: RunConfig | None
    """What the run carries: the config with names in place of objects."""
    model_provider: ModelProvider | None = None
    registry: dict[str, Any] = field(default_factory=dict)
    """`AgentRegistry` arguments: the callables and the guardrail objects."""


def split(run_config: RunConfig | None) -> LiveConfig:
    if run_config is None or not run_config.objects():
        return LiveConfig(run_config)
    live = LiveConfig(run_config, model_provider=run_config.model_provider)
    update: dict[str, Any] = {name: None for name in CALLABLE_FIELDS}
    for name in CALLABLE_FIELDS:
        if name != "model_provider" and getattr(run_config, name) is not None:
            live.registry[name] = getattr(run_config, name)
    if isinstance(run_config.model, Model):
        live.model_provider = RunModelProvider(run_config.model, run_config.model_provider)
        update["model"] = RUN_MODEL
    for name in ("input_guardrails", "output_guardrails"):
        guardrails = getattr(run_config, name)
        if guardrails is None:
            continue
        live.registry[name] = [g for g in guardrails if not isinstance(g, str)]
        update[name] = [g if isinstance(g, str) else g.get_name() for g in guardrails]
    live.carried = run_config.model_copy(update=update)
    return live

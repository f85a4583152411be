"""`MultiProvider` at the reference's path (`agents.models.multi_provider`): model names with a
prefix (`ollama/llama3`) go to the provider of that name.

Providers run on the worker, in activities, so the class lives in `activities.models.provider`;
it is loaded on first use (see `durable_agents._lazy`). It takes the reference's arguments.
"""

from .._lazy import loaded_on_use

__all__ = ["MultiProvider", "MultiProviderMap"]  # noqa: F822 (loaded on use)

__getattr__ = loaded_on_use(
    __name__,
    {
        "MultiProvider": "activities.models.provider",
        "MultiProviderMap": "activities.models.provider",
    },
)

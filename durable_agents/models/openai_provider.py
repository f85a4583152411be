"""`OpenAIProvider` at the reference's path (`agents.models.openai_provider`).

Providers run on the worker, in activities, so the class lives in `activities.models.provider`;
it is loaded on first use (see `durable_agents._lazy`). It takes the reference's arguments.
"""

from .._lazy import loaded_on_use

__all__ = ["OpenAIProvider"]  # noqa: F822 (loaded on use)

__getattr__ = loaded_on_use(__name__, {"OpenAIProvider": "activities.models.provider"})

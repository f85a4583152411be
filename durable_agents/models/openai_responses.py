"""`OpenAIResponsesModel` at the reference's path (`agents.models.openai_responses`).

A model runs on the worker, in activities, so the class lives in
`activities.models.openai_responses`; it is loaded on first use (see `durable_agents._lazy`).
"""

from .._lazy import loaded_on_use

__all__ = ["OpenAIResponsesModel"]  # noqa: F822 (loaded on use)

__getattr__ = loaded_on_use(
    __name__, {"OpenAIResponsesModel": "activities.models.openai_responses"}
)

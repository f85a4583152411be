"""`OpenAIChatCompletionsModel` at the reference's path (`agents.models.openai_chatcompletions`).

A model runs on the worker, in activities, so the class lives in `activities.models.openai_chat`;
it is loaded on first use (see `durable_agents._lazy`).
"""

from .._lazy import loaded_on_use

__all__ = ["OpenAIChatCompletionsModel"]  # noqa: F822 (loaded on use)

__getattr__ = loaded_on_use(
    __name__, {"OpenAIChatCompletionsModel": "activities.models.openai_chat"}
)

"""Model tuning parameters, with the field names of the OpenAI Agents SDK."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator


class Reasoning(BaseModel):
    """The `reasoning` request field. `ModelSettings` takes `openai.types.shared.Reasoning` (the
    reference's type) too; fields not named here (newer API fields such as `mode`) are kept and
    sent as given."""

    model_config = ConfigDict(extra="allow")

    effort: Literal["none", "minimal", "low", "medium", "high", "xhigh", "max"] | None = None
    summary: Literal["auto", "concise", "detailed"] | None = None


class ModelSettings(BaseModel):
    """Settings for a model call; `resolve` layers run-level settings over an agent's."""

    model_config = ConfigDict(extra="forbid")

    temperature: float | None = None
    top_p: float | None = None
    frequency_penalty: float | None = None
    presence_penalty: float | None = None
    tool_choice: str | dict[str, Any] | None = None
    parallel_tool_calls: bool | None = None
    truncation: Literal["auto", "disabled"] | None = None
    max_tokens: int | None = None
    reasoning: Reasoning | None = None
    verbosity: Literal["low", "medium", "high"] | None = None
    metadata: dict[str, str] | None = None
    store: bool | None = None
    prompt_cache_retention: Literal["in_memory", "24h"] | None = None
    include_usage: bool | None = None
    response_include: list[str] | None = None
    top_logprobs: int | None = None
    extra_query: dict[str, Any] | None = None
    extra_body: dict[str, Any] | None = None
    extra_headers: dict[str, str] | None = None
    extra_args: dict[str, Any] | None = None

    @field_validator("reasoning", mode="before")
    @classmethod
    def _plain_reasoning(cls, value: Any) -> Any:
        """An `openai.types.shared.Reasoning` (or any other pydantic model) as its set fields."""
        if isinstance(value, BaseModel) and not isinstance(value, Reasoning):
            return value.model_dump(exclude_none=True)
        return value

    def to_json_dict(self) -> dict[str, Any]:
        """Every setting, unset ones as None, in JSON form (as the reference's)."""
        return self.model_dump(mode="json")

    def resolve(self, override: ModelSettings | None) -> ModelSettings:
        """Non-None values of `override` win, as in the reference."""
        if override is None:
            return self
        changes = {
            k: v for k, v in override.model_dump(exclude_unset=False).items() if v is not None
        }
        if override.extra_args is not None and self.extra_args is not None:
            changes["extra_args"] = {**self.extra_args, **override.extra_args}
        return self.model_copy(update=changes)

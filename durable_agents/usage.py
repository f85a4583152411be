"""Token usage, summed over every model call of a run, with one entry per request."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class InputTokensDetails(BaseModel):
    # from_attributes: the reference's programs pass openai's token details objects.
    model_config = ConfigDict(from_attributes=True)

    cached_tokens: int = 0


class OutputTokensDetails(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    reasoning_tokens: int = 0


class RequestUsage(BaseModel):
    """Usage of a single model request, kept so cost can be attributed per call."""

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    input_tokens_details: InputTokensDetails = Field(default_factory=InputTokensDetails)
    output_tokens_details: OutputTokensDetails = Field(default_factory=OutputTokensDetails)


class Usage(BaseModel):
    requests: int = 0
    input_tokens: int = 0
    input_tokens_details: InputTokensDetails = Field(default_factory=InputTokensDetails)
    output_tokens: int = 0
    output_tokens_details: OutputTokensDetails = Field(default_factory=OutputTokensDetails)
    total_tokens: int = 0
    request_usage_entries: list[RequestUsage] = Field(default_factory=list)

    def add(self, other: Usage) -> None:
        """Fold another usage in; a single-request usage also becomes a per-request entry."""
        self.requests += other.requests or 0
        self.input_tokens += other.input_tokens or 0
        self.output_tokens += other.output_tokens or 0
        self.total_tokens += other.total_tokens or 0
        self.input_tokens_details = InputTokensDetails(
            cached_tokens=self.input_tokens_details.cached_tokens
            + other.input_tokens_details.cached_tokens
        )
        self.output_tokens_details = OutputTokensDetails(
            reasoning_tokens=self.output_tokens_details.reasoning_tokens
            + other.output_tokens_details.reasoning_tokens
        )
        if other.request_usage_entries:
            self.request_usage_entries.extend(other.request_usage_entries)
        elif other.requests == 1:
            self.request_usage_entries.append(
                RequestUsage(
                    input_tokens=other.input_tokens,
                    output_tokens=other.output_tokens,
                    total_tokens=other.total_tokens,
                    input_tokens_details=other.input_tokens_details,
                    output_tokens_details=other.output_tokens_details,
                )
            )

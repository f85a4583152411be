"""Agent specs: what the workflow knows of an agent. Plain data, resolved on the worker from
the registry, so the workflow never holds user code."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class ToolSpec(BaseModel):
    name: str
    timeout_seconds: float | None = None
    run_locally: bool = False


class HandoffSpec(BaseModel):
    tool_name: str
    target_agent: str
    has_callback: bool = False
    has_input_filter: bool = False
    nest_handoff_history: bool | None = None


class GuardrailSpec(BaseModel):
    name: str
    run_in_parallel: bool = True


class AgentSpec(BaseModel):
    name: str
    tools: list[ToolSpec] = Field(default_factory=list)
    handoffs: list[HandoffSpec] = Field(default_factory=list)
    input_guardrails: list[GuardrailSpec] = Field(default_factory=list)
    output_guardrails: list[GuardrailSpec] = Field(default_factory=list)
    plain_text_output: bool = True
    tool_use_behavior: Literal["run_llm_again", "stop_on_first_tool", "stop_at_tools", "custom"] = (
        "run_llm_again"
    )
    stop_at_tool_names: list[str] = Field(default_factory=list)
    reset_tool_choice: bool = True
    has_hooks: bool = False

    def tool(self, name: str) -> ToolSpec | None:
        return next((t for t in self.tools if t.name == name), None)

    def handoff(self, tool_name: str) -> HandoffSpec | None:
        return next((h for h in self.handoffs if h.tool_name == tool_name), None)


class RunSpecs(BaseModel):
    """Every agent a run can reach from its starting agent, plus run-level guardrails."""

    agents: dict[str, AgentSpec]
    run_input_guardrails: list[GuardrailSpec] = Field(default_factory=list)
    run_output_guardrails: list[GuardrailSpec] = Field(default_factory=list)
    has_handoff_input_filter: bool = False
    has_run_hooks: bool = False

    def has_hooks(self, agent: AgentSpec) -> bool:
        """Whether the run's or this agent's lifecycle hooks want to hear about the agent."""
        return self.has_run_hooks or agent.has_hooks

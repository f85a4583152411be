"""The worker-side registry: maps the names a workflow holds back to live definitions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import TypeAdapter

from .agent import Agent, instructions_signature_error
from .agent_output import AgentOutputSchema, AgentOutputSchemaBase
from .exceptions import UnknownAgentError, UserError
from .guardrail import InputGuardrail, OutputGuardrail
from .handoffs import Handoff, HandoffInputFilter, handoff
from .lifecycle import RunHooksBase
from .memory import Session, SessionFactory, SessionInputCallback, default_session_factory
from .model_input import CallModelInputFilter
from .spec import AgentSpec, GuardrailSpec, HandoffSpec, RunSpecs, ToolSpec
from .tool import FunctionTool


class AgentRegistry:
    """All agents a worker can run, found by following handoffs from the ones given.

    `input_guardrails` / `output_guardrails` are run-level guardrails a `RunConfig` may name;
    `context_type` validates the run's JSON context before user code sees it.

    Runs started with a `session_id` find their session through `session_factory` (default: a
    `SQLiteSession` in `DURABLE_AGENTS_SESSION_DB`, `.durable_agents/sessions.sqlite` when
    unset). `session_input_callback` combines the session's history with a run's new input,
    as `RunConfig.session_input_callback` does in the reference.
    """

    def __init__(
        self,
        agents: Sequence[Agent[Any]],
        *,
        input_guardrails: Sequence[InputGuardrail] = (),
        output_guardrails: Sequence[OutputGuardrail] = (),
        context_type: Any = None,
        handoff_input_filter: HandoffInputFilter | None = None,
        hooks: RunHooksBase[Any] | None = None,
        call_model_input_filter: CallModelInputFilter | None = None,
        session_factory: SessionFactory | None = None,
        session_input_callback: SessionInputCallback | None = None,
    ) -> None:
        if session_factory is not None and not callable(session_factory):
            raise UserError(f"session_factory must be callable, got {session_factory!r}")
        if session_input_callback is not None and not callable(session_input_callback):
            raise UserError(
                f"Invalid `session_input_callback` value: {session_input_callback!r}; "
                "give None or a callable"
            )
        self.session_factory: SessionFactory = session_factory or default_session_factory
        self.session_input_callback = session_input_callback
        self._agents: dict[str, Agent[Any]] = {}
        self._handoffs: dict[str, list[Handoff]] = {}
        pending = list(agents)
        while pending:
            agent = pending.pop(0)
            if not isinstance(agent, Agent):
                raise UserError(f"AgentRegistry takes Agent objects, got {agent!r}")
            known = self._agents.get(agent.name)
            if known is agent:
                continue
            if known is not None:
                raise UserError(
                    f"two different agents are named {agent.name!r} in one agent graph: a run "
                    "names its agents (its history, events and result say which one is "
                    "current), so it could not tell them apart; give them different names"
                )
            self._agents[agent.name] = agent
            handoffs = [h if isinstance(h, Handoff) else handoff(h) for h in agent.handoffs]
            self._handoffs[agent.name] = handoffs
            self._check_names(agent, handoffs)
            pending.extend(h.agent for h in handoffs)
        self.input_guardrails = {g.get_name(): g for g in input_guardrails}
        self.output_guardrails = {g.get_name(): g for g in output_guardrails}
        self.context_type = context_type
        self.handoff_input_filter = handoff_input_filter
        self.hooks = hooks
        self.call_model_input_filter = call_model_input_filter
        """Edits each model call's input (the reference's `RunConfig.call_model_input_filter`)."""
        """Run hooks for every run of this registry (the reference's `Runner.run(hooks=...)`)."""
        self._context_adapter = TypeAdapter(context_type) if context_type is not None else None
        # Built once: a schema (and its TypeAdapter) is costly to make on every model turn.
        self._output_schemas = {
            name: self._make_output_schema(agent) for name, agent in self._agents.items()
        }
        self._specs = {name: self._build_spec(agent) for name, agent in self._agents.items()}

    @staticmethod
    def _check_names(agent: Agent[Any], handoffs: list[Handoff]) -> None:
        if callable(agent.instructions):
            # The reference raises this when the instructions are first resolved; here the
            # worker (or Runner) refuses the agent before any run reaches it.
            error = instructions_signature_error(agent.instructions)
            if error is not None:
                raise TypeError(f"agent {agent.name!r}: {error}")
        names = [t.name for t in agent.tools] + [h.tool_name for h in handoffs]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise UserError(f"agent {agent.name!r} has two tools or handoffs named {duplicates}")
        for tool in agent.tools:
            if not isinstance(tool, FunctionTool):
                raise UserError(
                    f"agent {agent.name!r}: tools must be FunctionTool (use @function_tool), "
                    f"got {tool!r}"
                )

    def _build_spec(self, agent: Agent[Any]) -> AgentSpec:
        behavior = agent.tool_use_behavior
        if isinstance(behavior, str):
            kind, stop_names = behavior, []
        elif isinstance(behavior, dict):
            kind, stop_names = "stop_at_tools", list(behavior["stop_at_tool_names"])
        else:
            kind, stop_names = "custom", []
        return AgentSpec(
            name=agent.name,
            tools=[
                ToolSpec(name=t.name, timeout_seconds=t.timeout_seconds, run_locally=t.run_locally)
                for t in agent.tools
            ],
            handoffs=[
                HandoffSpec(
                    tool_name=h.tool_name,
                    target_agent=h.agent_name,
                    has_callback=h.has_callback,
                    has_input_filter=h.input_filter is not None,
                    nest_handoff_history=h.nest_handoff_history,
                )
                for h in self._handoffs[agent.name]
            ],
            input_guardrails=[
                GuardrailSpec(name=g.get_name(), run_in_parallel=g.run_in_parallel)
                for g in agent.input_guardrails
            ],
            output_guardrails=[GuardrailSpec(name=g.get_name()) for g in agent.output_guardrails],
            plain_text_output=self.output_schema(agent) is None,
            tool_use_behavior=kind,
            stop_at_tool_names=stop_names,
            reset_tool_choice=agent.reset_tool_choice,
            has_hooks=agent.hooks is not None,
        )

    # --- lookups used by activities -------------------------------------------------------

    def agent_names(self) -> list[str]:
        return list(self._agents)

    def get_agent(self, name: str) -> Agent[Any]:
        try:
            return self._agents[name]
        except KeyError:
            known = ", ".join(sorted(self._agents)) or "none"
            raise UnknownAgentError(f"unknown agent {name!r} (registered: {known})") from None

    def run_specs(
        self,
        starting_agent: str,
        input_guardrails: list[str] | None,
        output_guardrails: list[str] | None,
    ) -> RunSpecs:
        self.get_agent(starting_agent)
        return RunSpecs(
            agents=dict(self._specs),
            run_input_guardrails=[
                GuardrailSpec(
                    name=n,
                    run_in_parallel=self._named(self.input_guardrails, n, "input").run_in_parallel,
                )
                for n in input_guardrails or []
            ],
            run_output_guardrails=[
                GuardrailSpec(name=self._named(self.output_guardrails, n, "output").get_name())
                for n in output_guardrails or []
            ],
            has_handoff_input_filter=self.handoff_input_filter is not None,
            has_run_hooks=self.hooks is not None,
        )

    @staticmethod
    def _named(guardrails: dict[str, Any], name: str, kind: str) -> Any:
        if name not in guardrails:
            known = ", ".join(sorted(guardrails)) or "none"
            raise UserError(f"unknown run-level {kind} guardrail {name!r} (registered: {known})")
        return guardrails[name]

    def handoffs(self, agent_name: str) -> list[Handoff]:
        self.get_agent(agent_name)
        return self._handoffs[agent_name]

    def find_tool(self, agent_name: str, tool_name: str) -> FunctionTool:
        agent = self.get_agent(agent_name)
        for tool in agent.tools:
            if tool.name == tool_name:
                return tool
        raise UserError(f"agent {agent_name!r} has no tool {tool_name!r}")

    def find_handoff(self, agent_name: str, tool_name: str) -> Handoff:
        for h in self.handoffs(agent_name):
            if h.tool_name == tool_name:
                return h
        raise UserError(f"agent {agent_name!r} has no handoff {tool_name!r}")

    def input_guardrail(self, agent_name: str, name: str) -> InputGuardrail:
        for g in self.get_agent(agent_name).input_guardrails:
            if g.get_name() == name:
                return g
        return self._named(self.input_guardrails, name, "input")

    def output_guardrail(self, agent_name: str, name: str) -> OutputGuardrail:
        for g in self.get_agent(agent_name).output_guardrails:
            if g.get_name() == name:
                return g
        return self._named(self.output_guardrails, name, "output")

    def typed_output(self, agent: Agent[Any], value: Any) -> Any:
        """A final output as the agent's declared type, from the JSON the run carries."""
        schema = self.output_schema(agent)
        return value if schema is None or value is None else schema.from_jsonable(value)

    def output_schema(self, agent: Agent[Any]) -> AgentOutputSchemaBase | None:
        return self._output_schemas[agent.name]

    @staticmethod
    def _make_output_schema(agent: Agent[Any]) -> AgentOutputSchemaBase | None:
        if agent.output_type is None or agent.output_type is str:
            return None
        if isinstance(agent.output_type, AgentOutputSchemaBase):
            return agent.output_type
        return AgentOutputSchema(agent.output_type)

    def make_context(self, raw: Any) -> Any:
        """The run's JSON context as user code expects it (validated when a type is set)."""
        if self._context_adapter is None:
            return raw
        return self._context_adapter.validate_python(raw)

    def session(self, session_id: str) -> Session:
        """The session a run names by id (called inside activities only)."""
        return self.session_factory(session_id)

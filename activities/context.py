"""What every activity family of one worker shares: the registry, the model provider, the
conversation cache and the item store, and what they give one activity call (its agent, the
run's context, a bound logger)."""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import Any

import structlog
from pydantic_core import to_jsonable_python
from temporalio.exceptions import ApplicationError

from connection.item_store import ItemStore
from durable_agents.agent import Agent
from durable_agents.models import ModelProvider
from durable_agents.registry import AgentRegistry
from durable_agents.run_context import AgentHookContext, RunContextWrapper
from durable_agents.usage import Usage
from protocol.context import ContextUpdate
from protocol.scope import CallScope

from .conversation_cache import ConversationCache
from .errors import agents_errors

log = structlog.get_logger("durable_agents.activities")


class WorkerDeps:
    """One worker's shared state; every activity family takes it."""

    def __init__(
        self,
        registry: AgentRegistry,
        model_provider: ModelProvider | None = None,
        conversations: ConversationCache | None = None,
        item_store: ItemStore | None = None,
    ) -> None:
        self.registry = registry
        self._model_provider = model_provider
        self.conversations = conversations or ConversationCache()
        self.item_store = item_store or ItemStore(None)

    @property
    def model_provider(self) -> ModelProvider:
        """The given provider, else the default one, built on first use: a worker whose agents
        all carry their own `Model` never loads the OpenAI client or reads its settings."""
        if self._model_provider is None:
            from .models.provider import MultiProvider

            self._model_provider = MultiProvider()
        return self._model_provider

    def agent(self, name: str) -> Agent[Any]:
        with agents_errors():
            return self.registry.get_agent(name)

    def agent_and_context(self, scope: CallScope) -> tuple[Agent[Any], RunContextWrapper[Any]]:
        """The agent a call runs for, and the run's context as its user code gets it."""
        return self.agent(scope.agent_name), self.run_context(scope)

    def user_context(self, scope: CallScope) -> Any:
        """The run's context as the registry's `context_type`, rebuilt from the JSON the run
        carries, once per activity (every callback of the call shares the object, as in the
        reference); a mismatch is the caller's input error, final."""
        if scope._user_context is not None:
            return scope._user_context[0]
        try:
            context = self.registry.make_context(scope.context)
        except Exception as e:
            raise ApplicationError(
                f"the run's context does not match the registry's context_type: {e}",
                type="UserError",
                non_retryable=True,
            ) from e
        scope._user_context = (context, jsonable(context))
        return context

    def context_update(self, scope: CallScope) -> ContextUpdate | None:
        """How the activity's user code changed the context, for the run to keep."""
        if scope._user_context is None:
            return None
        context, before = scope._user_context
        return ContextUpdate.between(before, jsonable(context))

    def run_context(self, scope: CallScope) -> RunContextWrapper[Any]:
        return RunContextWrapper(
            context=self.user_context(scope),
            usage=scope.usage or Usage(),
            run_id=scope.run_id,
            turn=scope.turn,
        )

    def hook_context(self, scope: CallScope, turn_input: list[Any]) -> AgentHookContext[Any]:
        return AgentHookContext(
            context=self.user_context(scope),
            usage=scope.usage or Usage(),
            run_id=scope.run_id,
            turn=scope.turn,
            turn_input=turn_input,
        )

    def typed_output(self, agent: Agent[Any], value: Any) -> Any:
        """Output guardrails and end hooks see the final output as its declared type, not as
        the JSON the run carries."""
        return self.registry.typed_output(agent, value)


class ActivityFamily(abc.ABC):
    """A module's activities, bound to the worker's shared state; `all()` lists them for the
    worker to register."""

    def __init__(self, deps: WorkerDeps) -> None:
        self.deps = deps

    @abc.abstractmethod
    def all(self) -> list[Callable[..., Any]]: ...


def bind_log(scope: CallScope, **extra: Any) -> Any:
    return log.bind(run_id=scope.run_id, agent=scope.agent_name, turn=scope.turn, **extra)


def jsonable(value: Any) -> Any:
    """A user value as the JSON the run carries; what JSON cannot hold becomes its `str`."""
    return to_jsonable_python(value, fallback=str)

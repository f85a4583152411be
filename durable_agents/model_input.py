"""`call_model_input_filter`: a last look at what goes to the model on each call, as the
reference's `RunConfig.call_model_input_filter`. Being a callable, it is registered on the
worker (`AgentRegistry(call_model_input_filter=...)`) and runs in the model activity."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic

from .models import TResponseInputItem
from .run_context import TContext

if TYPE_CHECKING:
    from .agent import Agent


@dataclass
class ModelInputData:
    """What one model call gets: the input items and the system instructions."""

    input: list[TResponseInputItem]
    instructions: str | None


@dataclass
class CallModelData(Generic[TContext]):
    model_data: ModelInputData
    agent: Agent[TContext]
    context: TContext | None


CallModelInputFilter = Callable[[CallModelData[Any]], ModelInputData | Awaitable[ModelInputData]]

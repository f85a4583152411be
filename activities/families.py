"""Every activity family, and the one list of activities a worker registers for a registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .callbacks import CallbackActivities
from .context import WorkerDeps
from .guardrails import GuardrailActivities
from .model_turn import ModelTurnActivities
from .resolve import ResolveActivities
from .segments import SegmentActivities
from .sessions import SessionActivities
from .tools import ToolActivities

FAMILIES = (
    ResolveActivities,
    ModelTurnActivities,
    ToolActivities,
    GuardrailActivities,
    CallbackActivities,
    SegmentActivities,
    SessionActivities,
)


def all_activities(deps: WorkerDeps) -> list[Callable[..., Any]]:
    """The activities of every family, bound to one worker's shared state."""
    return [fn for family in FAMILIES for fn in family(deps).all()]

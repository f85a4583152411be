"""The run's context as run state: how one activity's user code changed it.

A run's context is JSON the workflow holds. Each activity that runs user code gets the current
value, rebuilt into the registry's `context_type`; when the code changed it, the activity hands
back the change and the workflow applies it, so later calls see it (as in the reference, where
every callback shares one object) and a worker that takes over after a crash starts from it.

A change is a diff of top-level keys for a JSON object context, so two tools of one turn that
set different keys both keep theirs (applied in model order); any other value is replaced.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ContextUpdate(BaseModel):
    changed: dict[str, Any] = Field(default_factory=dict)
    """Top-level keys set (or set anew), for a JSON object context."""
    removed: list[str] = Field(default_factory=list)
    replaced: bool = False
    """The whole value changed (a context that is not a JSON object, or became one)."""
    value: Any = None
    """The new value, when `replaced`."""

    @classmethod
    def between(cls, before: Any, after: Any) -> ContextUpdate | None:
        """The change from `before` to `after` (both JSON), or None when there is none."""
        if before == after:
            return None
        if isinstance(before, dict) and isinstance(after, dict):
            return cls(
                changed={k: v for k, v in after.items() if k not in before or before[k] != v},
                removed=[k for k in before if k not in after],
            )
        return cls(replaced=True, value=after)

    def applied_to(self, current: Any) -> Any:
        """`current` with this change; keys another call changed meanwhile are kept."""
        if self.replaced or not isinstance(current, dict):
            return self.value if self.replaced else {**self.changed}
        merged = {k: v for k, v in current.items() if k not in self.removed}
        merged.update(self.changed)
        return merged

"""Activities of runs that have a session: load its history with the run's input, and save
each turn to it. A session's own errors (storage down, locked) are retried like any activity
failure; the session input callback is user code, and its errors end the run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import activity

from durable_agents.exceptions import UserError
from durable_agents.items import ItemHelpers
from durable_agents.memory import SESSION_LIST_INPUT_MESSAGE, Session
from durable_agents.models import TResponseInputItem
from protocol import names
from protocol.sessions import SessionAddInput, SessionPrepareInput, SessionPrepareOutput

from .context import ActivityFamily, log
from .errors import agents_error, checked_call
from .heartbeat import heartbeating


class SessionActivities(ActivityFamily):
    def all(self) -> list[Callable[..., Any]]:
        return [self.session_prepare, self.session_add]

    @activity.defn(name=names.SESSION_PREPARE)
    @heartbeating
    async def session_prepare(self, inp: SessionPrepareInput) -> SessionPrepareOutput:
        """The history plus the new input, as the reference prepares a run's input; the new
        input is saved to the session, once even if this activity is retried."""
        callback = self.deps.registry.session_input_callback
        if isinstance(inp.input, list) and callback is None:
            raise agents_error(UserError(SESSION_LIST_INPUT_MESSAGE))
        session = self.deps.registry.session(inp.session_id)
        new_input = ItemHelpers.input_to_new_input_list(inp.input)
        history = await session.get_items()
        combined = await self._combine_with_history(history, new_input)
        if not await _add_once(session, inp.key, new_input):
            # A retry after the input was saved: the history read above already ends with it.
            n = len(new_input)
            if n and len(history) >= n and history[-n:] == new_input:
                history = history[:-n]
                combined = await self._combine_with_history(history, new_input)
        self._bind_run(inp.run_id).debug(
            "session prepared", session_id=inp.session_id, history_items=len(history)
        )
        return SessionPrepareOutput(input=combined)

    async def _combine_with_history(
        self, history: list[TResponseInputItem], new_input: list[TResponseInputItem]
    ) -> list[TResponseInputItem]:
        callback = self.deps.registry.session_input_callback
        if callback is None:
            return history + new_input
        combined = await checked_call(
            "session_input_callback", lambda: callback(list(history), list(new_input)), list
        )
        return [dict(item) for item in combined]

    @activity.defn(name=names.SESSION_ADD)
    @heartbeating
    async def session_add(self, inp: SessionAddInput) -> bool:
        """Appends one turn's items; returns False when a retry found them already saved."""
        session = self.deps.registry.session(inp.session_id)
        added = await _add_once(session, inp.key, inp.items)
        self._bind_run(inp.run_id).debug(
            "session items added", session_id=inp.session_id, items=len(inp.items), added=added
        )
        return added

    def _bind_run(self, run_id: str) -> Any:
        return log.bind(run_id=run_id, activity=activity.info().activity_type)


async def _add_once(session: Session, key: str, items: list[TResponseInputItem]) -> bool:
    """Appends `items` as the batch `key`: once with a session that has `add_items_once`, at
    least once with any other (a retry after a save that went through saves again)."""
    add_once = getattr(session, "add_items_once", None)
    if callable(add_once):
        return bool(await add_once(key, items))
    if items:
        await session.add_items(items)
    return True

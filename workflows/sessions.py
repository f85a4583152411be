"""A run's session, from the workflow side: only a run started with a `session_id` does any
of this. Keys name the run's chain (stable across continue-as-new) and what is saved, so a
retried append is not applied twice."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from durable_agents.items import RunItem
    from durable_agents.models import TResponseInputItem
    from protocol.sessions import SessionAddInput, SessionPrepareInput

    from . import stubs


def session_key(what: str) -> str:
    info = workflow.info()
    return f"{info.workflow_id}:{info.first_execution_run_id}:{what}"


async def prepare(
    run_id: str, session_id: str, run_input: str | list[TResponseInputItem]
) -> list[TResponseInputItem]:
    """The session's history and the new input: the run's original input from now on. The new
    input is saved to the session (the client's input stays as it was sent)."""
    prepared = await stubs.session_prepare(
        SessionPrepareInput(
            run_id=run_id, session_id=session_id, key=session_key("input"), input=run_input
        )
    )
    return prepared.input


async def add_turn(run_id: str, session_id: str, turn: int, items: list[RunItem]) -> None:
    """Appends a turn's session items (those of the result's `new_items`), where the reference
    saves a turn: after it, before a handoff, at the final output."""
    if not items:
        return
    await stubs.session_add(
        SessionAddInput(
            run_id=run_id,
            session_id=session_id,
            key=session_key(f"turn-{turn}"),
            items=[item.to_input_item() for item in items],
        )
    )

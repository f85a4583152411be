"""The whole conversation a model turn sends, from what the workflow passed by reference."""

from __future__ import annotations

from temporalio import activity
from temporalio.exceptions import ApplicationError

from connection.item_store import ItemStore
from durable_agents.models import TResponseInputItem
from protocol.conversation import ConversationRef, ConversationSnapshot
from protocol.names import CONVERSATION_QUERY

from .conversation_cache import ConversationCache


async def conversation_input(
    ref: ConversationRef, cache: ConversationCache, item_store: ItemStore
) -> list[TResponseInputItem]:
    """The conversation's first `ref.base_length` items, from this worker's cache or, on a miss,
    from the run itself, followed by the items new since (`ref.delta`)."""
    if ref.server_managed or ref.base_length == 0:
        return list(ref.delta)
    prefix = cache.prefix(ref.key, ref.base_length)
    if prefix is None:
        prefix = await _from_run(ref, item_store)
    return prefix + ref.delta


async def _from_run(ref: ConversationRef, item_store: ItemStore) -> list[TResponseInputItem]:
    """The prefix from the run's `conversation` query: what it holds, and what it keeps in the
    item store (the segments of earlier runs of its chain) loaded from there."""
    info = activity.info()
    handle = activity.client().get_workflow_handle(info.workflow_id, run_id=info.workflow_run_id)
    snapshot = await handle.query(CONVERSATION_QUERY, ref.key, result_type=ConversationSnapshot)
    items = snapshot.head + [
        item.to_input_item()
        for segment in await item_store.load(snapshot.segments)
        for item in segment.generated_items
    ]
    items += snapshot.items
    if len(items) < ref.base_length:
        raise ApplicationError(
            f"conversation {ref.key} has {len(items)} items, expected at least {ref.base_length}"
        )
    return items[: ref.base_length]

"""Registering the project's search attributes on the cluster, so runs can be found by agent
and status in the UI and by `python -m client list`.

A dev server gets them as `--search-attribute` flags; a self-hosted cluster gets them here, once,
when a worker starts. Temporal Cloud refuses this API to namespace API keys (attributes are added
with `tcld` there), so a refusal is reported and the worker still starts.
"""

from __future__ import annotations

from collections.abc import Sequence

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.common import SearchAttributeKey
from temporalio.service import RPCError, RPCStatusCode


async def ensure_search_attributes(client: Client, keys: Sequence[SearchAttributeKey]) -> list[str]:
    """Add the keys the namespace lacks; returns the names added. Raises `RPCError` when the
    cluster refuses (permission denied, no operator API)."""
    listing = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=client.namespace)
    )
    missing = {
        key.name: IndexedValueType.ValueType(int(key.indexed_value_type))
        for key in keys
        if key.name not in listing.custom_attributes
    }
    if not missing:
        return []
    try:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=client.namespace, search_attributes=missing)
        )
    except RPCError as error:
        if error.status != RPCStatusCode.ALREADY_EXISTS:  # another worker won the race
            raise
    return sorted(missing)

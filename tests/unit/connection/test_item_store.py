"""The item store: segments round-trip through the payload storage driver, are cached within a
byte budget, and a segment the worker cannot read fails clearly."""

from __future__ import annotations

import pytest
from temporalio.converter import StorageDriverWorkflowInfo
from temporalio.exceptions import ApplicationError

from connection.item_store import ItemStore
from connection.payload_storage import FileStorageDriver
from durable_agents.items import RunItem
from protocol.segments import RunSegment

TARGET = StorageDriverWorkflowInfo(namespace="default", id="run-1", type="AgentRunWorkflow")


def _segment(n: int) -> RunSegment:
    items = [
        RunItem(
            type="tool_call_output_item",
            agent_name="a",
            raw_item={"type": "function_call_output", "call_id": f"c{i}", "output": f"r{i}"},
            output=f"r{i}",
        )
        for i in range(n)
    ]
    return RunSegment(generated_items=items, session_items=items)


async def test_a_segment_round_trips_through_the_driver(tmp_path):
    writer = ItemStore(FileStorageDriver(tmp_path))
    ref = await writer.put(_segment(3), TARGET)
    assert ref.inline is None and ref.driver == "durable_agents.file"
    assert (ref.generated_count, ref.session_count) == (3, 3)
    reader = ItemStore(FileStorageDriver(tmp_path), cache_bytes=0)
    assert await reader.get(ref) == _segment(3)


async def test_without_a_driver_segments_are_inline():
    ref = await ItemStore(None).put(_segment(2), TARGET)
    assert ref.inline == _segment(2) and ref.size_bytes > 0
    assert await ItemStore(None).get(ref) == _segment(2)


async def test_the_cache_keeps_within_its_byte_budget(tmp_path):
    driver = FileStorageDriver(tmp_path)
    store = ItemStore(driver, cache_bytes=3000)
    refs = [await store.put(_segment(n), TARGET) for n in (5, 6, 7)]
    assert store._cached_bytes <= 3000
    for path in tmp_path.rglob("*"):
        if path.is_file():
            path.unlink()
    # The newest segment is still in memory; the oldest was evicted and its file is gone.
    assert await store.get(refs[-1]) == _segment(7)
    with pytest.raises(ApplicationError) as info:
        await store.get(refs[0])
    assert info.value.type == "PayloadMissing" and info.value.non_retryable


async def test_a_segment_from_another_storage_fails_clearly(tmp_path):
    ref = await ItemStore(FileStorageDriver(tmp_path)).put(_segment(1), TARGET)
    with pytest.raises(ApplicationError) as info:
        await ItemStore(None).get(ref)
    assert info.value.type == "SegmentUnavailable" and info.value.non_retryable
    assert "DURABLE_AGENTS_PAYLOAD_STORAGE" in info.value.message

"""The append-only item store behind long runs: each run of a continue-as-new chain writes what
it generated once, as a segment, and the next run carries only a reference.

Segments go to the same external storage as large payloads (every worker and client of the runs
shares it). A worker without external storage keeps segments inline; the workflow then refuses to
carry more than a run state can hold rather than let the hand-over outgrow Temporal's limits.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from temporalio.api.common.v1 import Payload
from temporalio.converter import (
    DataConverter,
    StorageDriver,
    StorageDriverClaim,
    StorageDriverRetrieveContext,
    StorageDriverStoreContext,
    StorageDriverWorkflowInfo,
)
from temporalio.exceptions import ApplicationError

from protocol.segments import RunSegment, SegmentRef

_ENCODING = b"json/plain"


class ItemStore:
    def __init__(self, driver: StorageDriver | None, cache_bytes: int = 64 * 1024 * 1024) -> None:
        self.driver = driver
        self._max_bytes = cache_bytes
        self._cached_bytes = 0
        self._cache: OrderedDict[str, tuple[RunSegment, int]] = OrderedDict()

    @classmethod
    def for_data_converter(cls, converter: DataConverter) -> ItemStore:
        """The store the converter's external storage uses, so segments live beside payloads."""
        storage = converter.external_storage
        return cls(storage.drivers[0] if storage is not None and storage.drivers else None)

    async def put(
        self, segment: RunSegment, target: StorageDriverWorkflowInfo, events_from: int = 0
    ) -> SegmentRef:
        data = segment.model_dump_json().encode()
        # Events stored with their offsets may have gaps (raw model events are not stored).
        last = segment.events[-1].offset if segment.events else -1
        ref = SegmentRef(
            size_bytes=len(data),
            generated_count=len(segment.generated_items),
            session_count=len(segment.session_items),
            events_from=events_from,
            event_count=len(segment.events),
            events_end=last + 1 if last >= 0 else events_from + len(segment.events),
        )
        if self.driver is None:
            ref.inline = segment
            return ref
        payload = Payload(metadata={"encoding": _ENCODING}, data=data)
        [claim] = await self.driver.store(StorageDriverStoreContext(target=target), [payload])
        ref.driver = self.driver.name()
        ref.claim = dict(claim.claim_data)
        self._remember(ref, segment)
        return ref

    async def load(self, refs: Sequence[SegmentRef]) -> list[RunSegment]:
        return [await self.get(ref) for ref in refs]

    async def get(self, ref: SegmentRef) -> RunSegment:
        if ref.inline is not None:
            return ref.inline
        key = _cache_key(ref)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached[0]
        if self.driver is None or ref.driver != self.driver.name():
            raise ApplicationError(
                f"run segment stored by {ref.driver!r} cannot be read here: this worker's "
                f"payload storage is {self.driver.name() if self.driver else 'none'!r} "
                "(set DURABLE_AGENTS_PAYLOAD_STORAGE as on the worker that stored it)",
                type="SegmentUnavailable",
                non_retryable=True,
            )
        [payload] = await self.driver.retrieve(
            StorageDriverRetrieveContext(), [StorageDriverClaim(claim_data=ref.claim)]
        )
        segment = RunSegment.model_validate_json(payload.data)
        self._remember(ref, segment)
        return segment

    def _remember(self, ref: SegmentRef, segment: RunSegment) -> None:
        """Recently used segments stay in memory (the next run of a chain reads what the
        previous one stored), up to a byte budget."""
        key = _cache_key(ref)
        if key in self._cache or ref.size_bytes > self._max_bytes:
            return
        self._cache[key] = (segment, ref.size_bytes)
        self._cached_bytes += ref.size_bytes
        while self._cached_bytes > self._max_bytes:
            _, (_, size) = self._cache.popitem(last=False)
            self._cached_bytes -= size


def _cache_key(ref: SegmentRef) -> str:
    return f"{ref.driver}:{sorted(ref.claim.items())}"

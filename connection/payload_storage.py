"""Where large payloads go instead of workflow history: Temporal's external storage.

Payloads over a threshold (a 5 MB tool result, an image input) are written to a store and
history keeps a small claim. The filesystem driver is the embedded default (every worker and
client must see the same directory); S3 is there for clusters.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from temporalio.api.common.v1 import Payload
from temporalio.converter import (
    StorageDriver,
    StorageDriverClaim,
    StorageDriverRetrieveContext,
    StorageDriverStoreContext,
)
from temporalio.exceptions import ApplicationError

DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024 * 1024


class PayloadTooLargeError(ApplicationError):
    """Raised while storing: not retryable, since the same payload would be refused again."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            f"payload of {size} bytes exceeds the external storage limit of {limit} bytes",
            type="PayloadTooLarge",
            non_retryable=True,
        )


class FileStorageDriver(StorageDriver):
    """Content-addressed files under one directory: idempotent writes, shared by all workers
    and clients that mount it."""

    def __init__(self, root: str | Path, max_payload_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES):
        self.root = Path(root)
        self.max_payload_bytes = max_payload_bytes

    def name(self) -> str:
        return "durable_agents.file"

    def _write(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        path = self.root / digest[:2] / digest
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        return digest

    def _read(self, digest: str) -> bytes:
        path = self.root / digest[:2] / digest
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise ApplicationError(
                f"externally stored payload {digest} is missing from {self.root}",
                type="PayloadMissing",
                non_retryable=True,
            ) from None

    async def store(
        self, context: StorageDriverStoreContext, payloads: Sequence[Payload]
    ) -> list[StorageDriverClaim]:
        blobs = [p.SerializeToString() for p in payloads]
        for blob in blobs:
            if len(blob) > self.max_payload_bytes:
                raise PayloadTooLargeError(len(blob), self.max_payload_bytes)
        digests = await asyncio.gather(*(asyncio.to_thread(self._write, b) for b in blobs))
        return [StorageDriverClaim(claim_data={"sha256": d}) for d in digests]

    async def retrieve(
        self, context: StorageDriverRetrieveContext, claims: Sequence[StorageDriverClaim]
    ) -> list[Payload]:
        blobs = await asyncio.gather(
            *(asyncio.to_thread(self._read, c.claim_data["sha256"]) for c in claims)
        )
        return [Payload.FromString(b) for b in blobs]

"""The one data converter every client and worker of these runs must share: pydantic JSON
(readable in the UI) plus external storage for large payloads, configured from the environment.

DURABLE_AGENTS_PAYLOAD_STORAGE: `file:<dir>` (default `file:.durable_agents/payloads`),
`s3://bucket`, or `none`. DURABLE_AGENTS_PAYLOAD_THRESHOLD: bytes above which a payload is
stored externally (default 256 KiB). DURABLE_AGENTS_PAYLOAD_MAX: the largest payload accepted.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, ExternalStorage, StorageDriver

from .payload_storage import DEFAULT_MAX_PAYLOAD_BYTES, FileStorageDriver

DEFAULT_STORAGE = "file:.durable_agents/payloads"
DEFAULT_THRESHOLD = 256 * 1024


def storage_driver(
    spec: str, max_payload_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES
) -> StorageDriver | None:
    if spec in ("", "none", "off"):
        return None
    if spec.startswith("file:"):
        return FileStorageDriver(os.path.expanduser(spec[len("file:") :]), max_payload_bytes)
    if spec.startswith("s3://"):
        try:
            import aioboto3  # type: ignore[import-not-found]
            from temporalio.contrib.aws.s3driver import S3StorageDriver
            from temporalio.contrib.aws.s3driver.aioboto3 import new_aioboto3_client
        except ImportError as e:
            raise ValueError(f"S3 payload storage needs aioboto3 installed ({e})") from e
        session = aioboto3.Session()
        client = new_aioboto3_client(session.client("s3"))
        bucket = spec[len("s3://") :].strip("/")
        return S3StorageDriver(client=client, bucket=bucket, max_payload_size=max_payload_bytes)
    raise ValueError(f"unknown payload storage {spec!r}: use file:<dir>, s3://<bucket> or none")


def data_converter(env: Mapping[str, str] | None = None) -> DataConverter:
    env = os.environ if env is None else env
    max_bytes = int(env.get("DURABLE_AGENTS_PAYLOAD_MAX", DEFAULT_MAX_PAYLOAD_BYTES))
    driver = storage_driver(env.get("DURABLE_AGENTS_PAYLOAD_STORAGE", DEFAULT_STORAGE), max_bytes)
    if driver is None:
        return pydantic_data_converter
    threshold = int(env.get("DURABLE_AGENTS_PAYLOAD_THRESHOLD", DEFAULT_THRESHOLD))
    return dataclasses.replace(
        pydantic_data_converter,
        external_storage=ExternalStorage(drivers=[driver], payload_size_threshold=threshold),
    )

"""The Python client of durable agent runs, and (`python -m client`) its command line."""

from connection.options import ConnectionOptions

from .agent_client import (
    AgentClient,
    ProgressUnavailableError,
    RunNotFoundError,
    RunStatusInfo,
    RunSummary,
    StreamUnavailableError,
)
from .streaming import RunResultStreaming

__all__ = [
    "AgentClient",
    "ConnectionOptions",
    "ProgressUnavailableError",
    "RunNotFoundError",
    "RunResultStreaming",
    "RunStatusInfo",
    "RunSummary",
    "StreamUnavailableError",
]

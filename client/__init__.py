"""The Python client of durable agent runs, and (`python -m client`) its command line."""

from .agent_client import (
    AgentClient,
    ProgressUnavailableError,
    RunNotFoundError,
    RunStatusInfo,
    RunSummary,
)
from .connection import ConnectionOptions

__all__ = [
    "AgentClient",
    "ConnectionOptions",
    "ProgressUnavailableError",
    "RunNotFoundError",
    "RunStatusInfo",
    "RunSummary",
]

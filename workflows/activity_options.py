"""Timeouts and retry policies per activity kind.

User-code errors are raised as non-retryable by the activities themselves, so the retries here
only absorb crashes, timeouts and the retryable model API errors (429, 5xx, connection).
Every activity heartbeats, so a worker that dies mid-call is noticed within `heartbeat`, not
after a long start-to-close timeout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio.common import RetryPolicy


@dataclass(frozen=True)
class ActivityKind:
    start_to_close: timedelta
    heartbeat: timedelta
    retry: RetryPolicy


MODEL = ActivityKind(
    start_to_close=timedelta(minutes=10),
    heartbeat=timedelta(seconds=10),
    retry=RetryPolicy(
        initial_interval=timedelta(seconds=1),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=1),
        maximum_attempts=10,
    ),
)
TOOL = ActivityKind(
    start_to_close=timedelta(minutes=5),
    heartbeat=timedelta(seconds=10),
    retry=RetryPolicy(initial_interval=timedelta(seconds=1), maximum_attempts=5),
)
CALLBACK = ActivityKind(
    start_to_close=timedelta(minutes=2),
    heartbeat=timedelta(seconds=10),
    retry=RetryPolicy(initial_interval=timedelta(seconds=1), maximum_attempts=5),
)

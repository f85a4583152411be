"""The Temporal runtime of the worker process: core logs into Python logging, and Prometheus
metrics when asked.

The SDK's core (Rust) writes its own plain-text logs unless told otherwise; forwarding them to
the `temporalio.core` logger puts them in the worker's structured log stream instead.
"""

from __future__ import annotations

import logging

from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    PrometheusConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)


def build_runtime(metrics_bind: str | None) -> Runtime:
    """`metrics_bind` is `host:port` for a `/metrics` endpoint, or None for no metrics."""
    return Runtime(
        telemetry=TelemetryConfig(
            logging=LoggingConfig(
                filter=TelemetryFilter(core_level="WARN", other_level="ERROR"),
                forwarding=LogForwardingConfig(logger=logging.getLogger("temporalio.core")),
            ),
            metrics=PrometheusConfig(bind_address=metrics_bind) if metrics_bind else None,
        )
    )

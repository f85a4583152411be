"""Logging for the worker service: structlog everywhere, JSON for machines, pretty for people.

Everything goes through one handler on the root logger, so the SDK's own records (the replay-safe
`workflow.logger`, `activity.logger`, core logs forwarded from the Rust runtime) come out in the
same format as the project's structlog events. Each event carries the run id (the workflow id),
and inside an activity the activity type; activities bind agent and turn themselves.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger
from temporalio import activity, workflow

from .config import LogFormat


def _temporal_context(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    """Name the run and activity an event belongs to, from the SDK's context or log extras."""
    record = event.get("_record")
    workflow_details = getattr(record, "temporal_workflow", None)
    activity_details = getattr(record, "temporal_activity", None)
    if workflow_details:
        event.setdefault("run_id", workflow_details.get("workflow_id"))
        event.setdefault("workflow", workflow_details.get("workflow_type"))
    if activity_details:
        event.setdefault("run_id", activity_details.get("workflow_id"))
        event.setdefault("activity", activity_details.get("activity_type"))
    elif activity.in_activity():
        info = activity.info()
        event.setdefault("run_id", info.workflow_id)
        event.setdefault("activity", info.activity_type)
        if info.attempt > 1:
            event.setdefault("attempt", info.attempt)
    return event


def wants_json(log_format: LogFormat, stream: Any = None) -> bool:
    if log_format != "auto":
        return log_format == "json"
    stream = stream or sys.stdout
    return not (hasattr(stream, "isatty") and stream.isatty())


def configure_logging(log_format: LogFormat, level: str) -> None:
    """Set up structlog and the root logger; call once, before the worker starts."""
    as_json = wants_json(log_format)
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _temporal_context,
    ]
    renderer: Processor = (
        structlog.processors.JSONRenderer()
        if as_json
        else structlog.dev.ConsoleRenderer(colors=sys.stdout.isatty())
    )
    final: list[Processor] = [structlog.stdlib.ProcessorFormatter.remove_processors_meta]
    if as_json:
        final.append(structlog.processors.dict_tracebacks)
    final.append(renderer)

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(foreign_pre_chain=shared, processors=final)
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())

    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    # The run and activity travel as fields, not glued onto every message.
    workflow.logger.workflow_info_on_message = False
    activity.logger.activity_info_on_message = False

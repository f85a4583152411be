"""The worker service's settings: flags first, then environment variables, then defaults.

Connection settings (address, namespace, TLS, API key) are the client's `ConnectionOptions`, so a
worker and the CLI read the same `TEMPORAL_*` variables the Temporal CLI does.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from connection.options import ConnectionOptions
from connection.settings import env_name, setting
from protocol.names import DEFAULT_TASK_QUEUE

LogFormat = Literal["auto", "json", "pretty"]
DEFAULT_SHUTDOWN_GRACE_SECONDS = 20.0
"""Under Kubernetes' default 30 s termination grace: in-flight activities finish before a kill."""


@dataclass
class WorkerConfig:
    registry: str
    """`module:attribute` of the `AgentRegistry` to serve."""
    model_provider: str | None
    """`module:attribute` of a `ModelProvider` (or None there) replacing the default provider."""
    task_queue: str
    connection: ConnectionOptions
    max_concurrent_activities: int | None
    max_concurrent_workflow_tasks: int | None
    shutdown_grace: timedelta
    metrics_bind: str | None
    """`host:port` of the Prometheus `/metrics` endpoint; no endpoint when None."""
    log_format: LogFormat
    log_level: str


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _env_int(env: Mapping[str, str], name: str) -> int | None:
    value = setting(env, name)
    return int(value) if value else None


def build_parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m worker",
        description="Serve agent runs: a long-lived Temporal worker for one agent registry.",
    )
    parser.add_argument(
        "--registry",
        default=setting(env, "REGISTRY"),
        required=setting(env, "REGISTRY") is None,
        help=f"module:attribute of the AgentRegistry to serve (env {env_name('REGISTRY')})",
    )
    parser.add_argument(
        "--model-provider",
        default=setting(env, "MODEL_PROVIDER"),
        help="module:attribute of a ModelProvider replacing the default OpenAI provider "
        f"(env {env_name('MODEL_PROVIDER')})",
    )
    parser.add_argument(
        "--task-queue",
        default=env.get("TEMPORAL_TASK_QUEUE") or DEFAULT_TASK_QUEUE,
        help=f"task queue to poll (env TEMPORAL_TASK_QUEUE, default {DEFAULT_TASK_QUEUE})",
    )
    ConnectionOptions.add_arguments(parser)
    limits = parser.add_argument_group("capacity and shutdown")
    limits.add_argument(
        "--max-concurrent-activities",
        type=_positive_int,
        default=_env_int(env, "MAX_CONCURRENT_ACTIVITIES"),
        help="model calls, tools and guardrails running at once (SDK default when unset)",
    )
    limits.add_argument(
        "--max-concurrent-workflow-tasks",
        type=_positive_int,
        default=_env_int(env, "MAX_CONCURRENT_WORKFLOW_TASKS"),
        help="workflow tasks running at once (SDK default when unset)",
    )
    limits.add_argument(
        "--shutdown-grace",
        type=float,
        default=float(setting(env, "SHUTDOWN_GRACE") or DEFAULT_SHUTDOWN_GRACE_SECONDS),
        metavar="SECONDS",
        help="on SIGTERM/SIGINT, how long in-flight activities may run before they are "
        f"cancelled (default {DEFAULT_SHUTDOWN_GRACE_SECONDS:g})",
    )
    ops = parser.add_argument_group("observability")
    ops.add_argument(
        "--metrics-port",
        type=int,
        default=_env_int(env, "METRICS_PORT"),
        help="serve Prometheus metrics at http://HOST:PORT/metrics "
        f"(env {env_name('METRICS_PORT')})",
    )
    ops.add_argument(
        "--metrics-host",
        default=setting(env, "METRICS_HOST") or "0.0.0.0",
        help="address the metrics endpoint binds to (default 0.0.0.0)",
    )
    ops.add_argument(
        "--log-format",
        choices=["auto", "json", "pretty"],
        default=setting(env, "LOG_FORMAT") or "auto",
        help="auto: pretty on a terminal, JSON otherwise",
    )
    ops.add_argument(
        "--log-level", default=setting(env, "LOG_LEVEL") or "info", help="default info"
    )
    return parser


def parse_config(
    argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None
) -> WorkerConfig:
    env = os.environ if env is None else env
    args = build_parser(env).parse_args(argv)
    return WorkerConfig(
        registry=args.registry,
        model_provider=args.model_provider,
        task_queue=args.task_queue,
        connection=ConnectionOptions.from_args(args, env),
        max_concurrent_activities=args.max_concurrent_activities,
        max_concurrent_workflow_tasks=args.max_concurrent_workflow_tasks,
        shutdown_grace=timedelta(seconds=args.shutdown_grace),
        metrics_bind=(
            f"{args.metrics_host}:{args.metrics_port}" if args.metrics_port is not None else None
        ),
        log_format=args.log_format,
        log_level=args.log_level,
    )

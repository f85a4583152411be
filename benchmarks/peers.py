"""The peers' venvs: their pins conflict with ours (the in-process baseline wants openai-agents
0.6.8 and openai 2.x; the Temporal integration wants openai-agents 0.22 and openai 3.x), so each
gets a venv of its own under `benchmarks/.venvs/`, made from PyPI by `--setup-peers`.

openai-agents 0.6.8 fails on the newest openai 2.x (its usage model builds `InputTokensDetails`
without the `cache_write_tokens` field later releases require), so its openai is pinned to a
release of its own time.

Temporal is pinned to our own temporalio version so the Temporal rows differ only above the SDK.
A venv counts as installed once its requirements went in; its marker records them, so changing a
pin here reinstalls that venv on the next `--setup-peers`.
"""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

VENVS = Path(__file__).resolve().parent / ".venvs"
MARKER = ".bench-requirements"


def _temporalio() -> str:
    return f"temporalio=={version('temporalio')}"


def requirements() -> dict[str, list[str]]:
    return {
        "sdk": ["openai-agents==0.6.8", "openai==2.14.0"],
        "openai-agents-temporal": [_temporalio(), "temporalio-openai-agents==1.1.0"],
        "pydantic-ai": [_temporalio(), "pydantic-ai-slim[openai,temporal]==2.68.0"],
    }


PEERS = tuple(requirements())


def _python(venv: Path) -> Path:
    return venv / "bin" / "python"


def peer_python(name: str) -> Path | None:
    """The venv's interpreter, if the venv was set up with the current requirements."""
    venv = VENVS / name
    marker = venv / MARKER
    if not _python(venv).exists() or not marker.exists():
        return None
    if marker.read_text().split("\n") != requirements()[name]:
        return None
    return _python(venv)


def setup_peers() -> dict[str, str | None]:
    """Creates or refreshes each venv; returns the failure reason per peer (None when ready)."""
    outcome: dict[str, str | None] = {}
    for name, reqs in requirements().items():
        if peer_python(name) is not None:
            print(f"peer venv {name}: ready", flush=True)
            outcome[name] = None
            continue
        venv = VENVS / name
        log = VENVS / f"{name}.log"
        VENVS.mkdir(exist_ok=True)
        print(f"peer venv {name}: installing {' '.join(reqs)} ...", flush=True)
        with log.open("w") as out:
            steps = [
                [sys.executable, "-m", "venv", "--clear", str(venv)],
                [str(_python(venv)), "-m", "pip", "install", "--quiet", *reqs],
            ]
            for step in steps:
                done = subprocess.run(step, stdout=out, stderr=subprocess.STDOUT)
                if done.returncode != 0:
                    break
        if done.returncode == 0:
            (venv / MARKER).write_text("\n".join(reqs))
            outcome[name] = None
            print(f"peer venv {name}: ready", flush=True)
        else:
            lines = [
                line
                for line in log.read_text(errors="replace").splitlines()
                if line.strip() and "is ignored" not in line
            ]
            outcome[name] = lines[-1] if lines else f"exit {done.returncode}"
            print(f"peer venv {name}: FAILED ({outcome[name]}); see {log}", flush=True)
    return outcome

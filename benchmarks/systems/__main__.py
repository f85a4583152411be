"""`python -m benchmarks.systems <system> worker|driver ...`: runs a system's process.

Importing the system's module by its package name (rather than running it as `__main__`) keeps
its workflow classes importable by name, which Temporal's workflow sandbox needs."""

from __future__ import annotations

import importlib
import sys

if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit("usage: python -m benchmarks.systems <system> worker|driver [options]")
    importlib.import_module(f"benchmarks.systems.{sys.argv[1]}").main(sys.argv[2:])

"""Names a module of this package offers but loads only on first use (PEP 562).

`Runner`, its streamed result and the OpenAI model classes live in the packages above this one
(`runner`, `activities`), which bring the client, the worker and HTTP clients. The workflow
sandbox imports this package for its data types and must never load those, and this package
may not import them at module level (tests/unit/test_layers.py): a module lists them here and
they are imported when a program first reads them."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping


def loaded_on_use(module: str, names: Mapping[str, str]) -> Callable[[str], object]:
    """A module `__getattr__` for `module` that imports `names[name]` on first use and returns
    its attribute `name`."""

    def __getattr__(name: str) -> object:
        if name in names:
            return getattr(importlib.import_module(names[name]), name)
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return __getattr__

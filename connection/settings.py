"""This project's environment settings: one prefix, `DURABLE_AGENTS_`, read in one place.

Worker settings were first named `AGENTS_*`; those names still work for now, with a one-line
deprecation notice on stderr (once per variable per process) so a deployment learns the new name
without breaking. When both are set, the new name wins. Connection settings are the Temporal
CLI's `TEMPORAL_*` and are read by `options.ConnectionOptions`, not here.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

PREFIX = "DURABLE_AGENTS_"
LEGACY_PREFIX = "AGENTS_"

_warned: set[str] = set()


def env_name(setting: str) -> str:
    """The variable a setting is read from: `env_name("REGISTRY") == "DURABLE_AGENTS_REGISTRY"`."""
    return PREFIX + setting


def setting(env: Mapping[str, str], name: str) -> str | None:
    """The value of `DURABLE_AGENTS_<name>`, else of the deprecated `AGENTS_<name>`, else None.

    An empty value counts as unset, as a shell's `VAR=` usually means.
    """
    value = env.get(env_name(name))
    if value:
        return value
    legacy = LEGACY_PREFIX + name
    value = env.get(legacy)
    if not value:
        return None
    if legacy not in _warned:
        _warned.add(legacy)
        print(
            f"durable-agents: {legacy} is deprecated, set {env_name(name)} instead",
            file=sys.stderr,
        )
    return value

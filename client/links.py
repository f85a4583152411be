"""Links into the Temporal UI, so every CLI answer points at the run's history."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

DEFAULT_UI_URL = "http://localhost:8233"


def ui_base_url(env: Mapping[str, str]) -> str:
    """`TEMPORAL_UI_URL`, or the dev server's UI."""
    return (env.get("TEMPORAL_UI_URL") or DEFAULT_UI_URL).rstrip("/")


def run_ui_url(base_url: str, namespace: str, run_id: str) -> str:
    """The run's page (the UI shows its latest execution, across continue-as-new)."""
    return f"{base_url}/namespaces/{quote(namespace, safe='')}/workflows/{quote(run_id, safe='')}"

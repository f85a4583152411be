"""`make demo` minus the install: the demo runner end to end, offline."""

from __future__ import annotations

import subprocess
import sys

from .conftest import REPO, subprocess_env


def test_demo_runs_offline_and_cleans_up() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "examples.demo", "--no-wait"],
        cwd=REPO,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "using the built-in scripted demo model (offline)" in out
    assert "triage hands off (transfer_to_billing)" in out
    assert "billing calls lookup_invoice" in out
    assert "billing calls issue_refund" in out
    assert "Final output (billing): You were charged twice for INV-1042." in out
    assert "Stopped as it should: InputGuardrailTripwireTriggered" in out
    assert "/namespaces/default/workflows/triage-" in out

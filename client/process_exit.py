"""Ending a process that has used the Temporal SDK without crashing on the way out.

The SDK's Rust runtime keeps Tokio threads that may still reach for the GIL while CPython
finalizes, which aborts or segfaults a few percent of short-lived processes after their work is
done (temporalio/sdk-python#300; measured here at about 1 in 20). Command-line entry points
therefore flush what they wrote and leave with `os._exit`, skipping interpreter finalization.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import NoReturn


def exit_process(code: int) -> NoReturn:
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed pipe or stream: nothing left to save
            pass
    os._exit(code)

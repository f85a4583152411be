"""`python -m runner status|stop`: the project's embedded Temporal dev server (see
`dev_server`), for the folder it is run in."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import dev_server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m runner",
        description="The embedded Temporal dev server that Runner starts for this folder.",
    )
    parser.add_argument("command", choices=["status", "stop"])
    args = parser.parse_args(argv)
    project = Path.cwd()
    if args.command == "stop":
        stopped = dev_server.stop(project)
        print("stopped" if stopped else "not running (nothing to stop)")
        return 0
    server = dev_server.running_server(project / dev_server.STATE_DIR)
    if server is None:
        print("not running")
        return 1
    print(f"running at {server.address}, UI {server.ui_url}, pid {server.pid}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

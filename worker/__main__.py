"""`python -m worker --registry my_agents:registry`: the long-lived worker service."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence

from client.process_exit import exit_process

from .config import parse_config
from .loading import StartupError, load_model_provider, load_registry
from .logging import configure_logging
from .service import serve


def main(argv: Sequence[str] | None = None) -> int:
    config = parse_config(argv)
    configure_logging(config.log_format, config.log_level)
    try:
        registry = load_registry(config.registry)
        model_provider = load_model_provider(config.model_provider)
        asyncio.run(serve(config, registry, model_provider))
    except StartupError as error:
        print(f"worker: {error}", file=sys.stderr)
        return error.exit_code
    return 0


if __name__ == "__main__":
    exit_process(main())

"""`Runner` and `RunConfig` at the reference's module path (`agents.run`).

`Runner` loads on first use, as from `durable_agents` itself: it brings the client and the
worker, which the workflow sandbox, importing this package for its data types, must never load.
"""

from ._lazy import loaded_on_use
from .model_input import CallModelData, CallModelInputFilter, ModelInputData
from .run_config import DEFAULT_MAX_TURNS, RunConfig

__all__ = [
    "DEFAULT_MAX_TURNS",
    "CallModelData",
    "CallModelInputFilter",
    "ModelInputData",
    "RunConfig",
    "Runner",  # noqa: F822 (loaded on use, below)
]

__getattr__ = loaded_on_use(__name__, {"Runner": "runner.runner"})

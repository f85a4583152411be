"""The model interface at the reference's module path (`agents.models.interface`).

`Model` here is one class for two interfaces (see `durable_agents.models.Model`): ours takes one
`ModelRequest`, what crosses into the model activity; a subclass written to the reference's
list of arguments (`system_instructions, input, model_settings, tools, output_schema, handoffs,
tracing, *, previous_response_id, conversation_id, prompt`) is called with them."""

from __future__ import annotations

import enum

from . import Model, ModelProvider

__all__ = ["Model", "ModelProvider", "ModelTracing"]


class ModelTracing(enum.Enum):
    """How much of a model call tracing records. Nothing is traced yet (see
    `durable_agents.tracing`); the values and their questions are the reference's."""

    DISABLED = 0
    """No tracing."""
    ENABLED = 1
    """Traced, inputs and outputs included."""
    ENABLED_WITHOUT_DATA = 2
    """Traced, without inputs and outputs."""

    def is_disabled(self) -> bool:
        return self is ModelTracing.DISABLED

    def include_data(self) -> bool:
        return self is ModelTracing.ENABLED

"""`ToolContext` at the reference's module path (`agents.tool_context`)."""

from .run_context import ToolContext

__all__ = ["ToolContext"]

"""Every name that crosses a Temporal boundary: the workflow type, its signal, queries and
stream topics, each activity type, and the search attributes. Clients, workflows and activities
use these constants, so a rename happens in one place and a typo is an import error."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

WORKFLOW_NAME = "AgentRunWorkflow"
DEFAULT_TASK_QUEUE = "agents"
"""The task queue workers poll and clients start runs on when `TEMPORAL_TASK_QUEUE` is unset."""

CANCEL_AFTER_TURN_SIGNAL = "cancel_after_turn"
PROGRESS_QUERY = "progress"
CONVERSATION_QUERY = "conversation"
"""The query a model activity uses to fetch a conversation its worker does not hold."""
STORED_EVENTS_QUERY = "stored_events"
"""The segments holding stream events the run's stream no longer keeps (earlier runs of the
chain), for readers that ask for them."""

EVENTS_TOPIC = "events"
"""Stream topic of the run's item and agent events (the reference's stream events)."""
RAW_EVENTS_TOPIC = "raw"
"""Stream topic of model activities' raw response events (token deltas): live only."""
END_TOPIC = "end"
"""Stream topic of the marker a run publishes last, carrying its status."""

# Activity types. The "agents." prefix groups them in the UI and keeps them apart from a
# user's own activities on a shared worker.
RESOLVE_RUN = "agents.resolve_run"
MODEL_TURN = "agents.model_turn"
CALL_TOOL = "agents.call_tool"
CHECK_GUARDRAIL = "agents.check_guardrail"
INVOKE_HANDOFF = "agents.invoke_handoff"
TOOLS_TO_FINAL_OUTPUT = "agents.tools_to_final_output"
AGENT_END = "agents.agent_end"
STORE_SEGMENT = "agents.store_segment"
LOAD_SEGMENTS = "agents.load_segments"
NEST_HISTORY = "agents.nest_history"
SESSION_PREPARE = "agents.session_prepare"
SESSION_ADD = "agents.session_add"

AGENT_NAME = SearchAttributeKey.for_keyword("AgentName")
RUN_STATUS = SearchAttributeKey.for_keyword("AgentRunStatus")
SEARCH_ATTRIBUTE_KEYS = [AGENT_NAME, RUN_STATUS]

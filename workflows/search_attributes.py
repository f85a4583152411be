"""Search attributes the project registers, so runs can be listed by agent and status."""

from temporalio.common import SearchAttributeKey

AGENT_NAME = SearchAttributeKey.for_keyword("AgentName")
RUN_STATUS = SearchAttributeKey.for_keyword("AgentRunStatus")
SEARCH_ATTRIBUTE_KEYS = [AGENT_NAME, RUN_STATUS]

"""Extensions at the reference's paths (`agents.extensions`): handoff filters and prompts."""

"""Temporal failures as the workflow or client sees them, for tests of what they map to."""

from temporalio.exceptions import ActivityError, RetryState


def activity_error(cause: BaseException, activity_type: str = "agents.call_tool") -> ActivityError:
    """An activity that failed for good with `cause`, as Temporal reports it."""
    error = ActivityError(
        "activity failed",
        scheduled_event_id=1,
        started_event_id=2,
        identity="w",
        activity_type=activity_type,
        activity_id="1",
        retry_state=RetryState.NON_RETRYABLE_FAILURE,
    )
    error.__cause__ = cause
    return error

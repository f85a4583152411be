"""Turning exceptions inside activities into Temporal failures that say what went wrong.

User code that raises fails the run (as in the reference runner) rather than being retried:
the same inputs would raise again. Crashes and timeouts are still retried by Temporal.
"""

from __future__ import annotations

from typing import NoReturn

from temporalio.exceptions import ApplicationError

from durable_agents.exceptions import AgentsException


def agents_error(exc: AgentsException) -> ApplicationError:
    return ApplicationError(exc.message, type=type(exc).__name__, non_retryable=True)


def user_code_error(what: str, exc: BaseException) -> ApplicationError:
    if isinstance(exc, ApplicationError):
        return exc
    if isinstance(exc, AgentsException):
        return agents_error(exc)
    return ApplicationError(
        f"{what} raised {type(exc).__name__}: {exc}", type="UserCodeError", non_retryable=True
    )


def raise_user_code_error(what: str, exc: BaseException) -> NoReturn:
    raise user_code_error(what, exc) from exc

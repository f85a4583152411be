"""Turning exceptions inside activities into Temporal failures that say what went wrong.

User code that raises fails the run (as in the reference runner) rather than being retried:
the same inputs would raise again. Crashes and timeouts are still retried by Temporal.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from temporalio.exceptions import ApplicationError

from durable_agents.exceptions import AgentsException, UserError

T = TypeVar("T")


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


async def maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def checked_call(what: str, call: Callable[[], Any], expected: type[T]) -> T:
    """Runs user code, turning its exceptions and wrong return types into clear run failures."""
    try:
        output = await maybe_await(call())
    except Exception as e:
        raise_user_code_error(what, e)
    if not isinstance(output, expected):
        raise agents_error(
            UserError(f"{what} must return {expected.__name__}, got {type(output).__name__}")
        )
    return output

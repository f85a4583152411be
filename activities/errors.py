"""Turning exceptions inside activities into Temporal failures that say what went wrong.

User code that raises fails the run (as in the reference runner) rather than being retried:
the same inputs would raise again. Crashes and timeouts are still retried by Temporal. Every
activity translates through the context managers here, so a failure reads the same whichever
activity met it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar

from temporalio.exceptions import ApplicationError

from durable_agents.exceptions import AgentsException, UserError

T = TypeVar("T")


def agents_error(exc: AgentsException) -> ApplicationError:
    """The SDK's error as a final failure whose type is the reference's exception name, so the
    caller can raise the same exception the reference would."""
    return ApplicationError(exc.message, type=type(exc).__name__, non_retryable=True)


@contextmanager
def agents_errors() -> Iterator[None]:
    """The SDK's own errors (an unknown agent or tool, an invalid definition or output) end the
    run; anything else propagates as it is and Temporal retries it."""
    try:
        yield
    except AgentsException as e:
        raise agents_error(e) from e


def user_code(what: str) -> AbstractContextManager[None]:
    """Around user code (`what` names it: "tool 'get_weather'"): any exception it raises ends
    the run as a `UserCodeError` saying what raised what, caused by the original."""
    return _failing_as(lambda e: _user_code_error(what, e))


def tool_code(tool_name: str) -> AbstractContextManager[None]:
    """Around a function tool's own call: as in the reference's runner, an exception that is
    not the SDK's own ends the run as `UserError("Error running tool NAME: ERROR")`."""
    return _failing_as(lambda e: _tool_error(tool_name, e))


def model_call() -> AbstractContextManager[None]:
    """Around a model call: the provider's failures classified for Temporal's retries by
    `model_error_to_application_error`, whose cause is a redacted copy of the original: the
    original may quote the API key, and Temporal records the cause chain in the history."""
    return _failing_as(_model_error)


@contextmanager
def _failing_as(failure: Callable[[Exception], ApplicationError]) -> Iterator[None]:
    """An exception of the block as `failure(e)`, which sets its own cause; an
    `AgentsException` keeps its reference type, and an `ApplicationError` raised on purpose
    goes through untouched."""
    try:
        with agents_errors():
            yield
    except ApplicationError:
        raise
    except Exception as e:
        raise failure(e)  # noqa: B904 (not `from e`: see `model_call`)


def _user_code_error(what: str, exc: Exception) -> ApplicationError:
    error = ApplicationError(
        f"{what} raised {type(exc).__name__}: {exc}", type="UserCodeError", non_retryable=True
    )
    error.__cause__ = exc
    return error


def _tool_error(tool_name: str, exc: Exception) -> ApplicationError:
    error = ApplicationError(
        f"Error running tool {tool_name}: {exc}", type="UserError", non_retryable=True
    )
    error.__cause__ = exc
    return error


def _model_error(exc: Exception) -> ApplicationError:
    # Imported here so a worker loads the OpenAI client's errors only once a model call fails.
    from .models.errors import model_error_to_application_error

    return model_error_to_application_error(exc)


async def maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def checked_call(
    what: str,
    call: Callable[[], Any],
    expected: type[T],
    failing: AbstractContextManager[None] | None = None,
) -> T:
    """Runs user code, turning its exceptions and wrong return types into clear run failures;
    `failing` turns the exceptions instead of `user_code(what)` (`tool_code` for a tool's)."""
    with failing or user_code(what):
        output = await maybe_await(call())
    if not isinstance(output, expected):
        raise agents_error(
            UserError(f"{what} must return {expected.__name__}, got {type(output).__name__}")
        )
    return output

"""How activities turn exceptions into Temporal failures: user code, the SDK's own errors, and
model calls, each through one helper of `activities.errors`."""

from __future__ import annotations

import asyncio

import openai
import pytest
from temporalio.exceptions import ApplicationError

from activities.errors import agents_errors, checked_call, model_call, user_code
from durable_agents.exceptions import ModelBehaviorError, UnknownAgentError, UserError


def raised(context, exc: BaseException) -> BaseException:
    """What comes out of `context` when its block raises `exc`."""
    with pytest.raises(BaseException) as caught:
        with context:
            raise exc
    return caught.value


@pytest.mark.parametrize(
    ("original", "type", "message"),
    [
        (
            ValueError("no such city"),
            "UserCodeError",
            "tool 'get_weather' raised ValueError: no such city",
        ),
        (UnknownAgentError("no agent named 'x'"), "UnknownAgentError", "no agent named 'x'"),
    ],
)
def test_user_code_exception_is_a_final_error_caused_by_it(original, type, message):
    """Any exception says what raised it; the SDK's own keep their reference type name."""
    error = raised(user_code("tool 'get_weather'"), original)
    assert isinstance(error, ApplicationError)
    assert (error.type, error.message, error.non_retryable) == (type, message, True)
    assert error.__cause__ is original


def test_user_code_application_error_goes_through_untouched():
    original = ApplicationError("try later", type="Busy")
    error = raised(user_code("tool 'book'"), original)
    assert error is original
    assert error.__cause__ is None and not error.non_retryable


def test_user_code_leaves_cancellation_alone():
    original = asyncio.CancelledError()
    assert raised(user_code("tool 'slow'"), original) is original


def test_agents_errors_translate_only_the_sdk_errors():
    error = raised(agents_errors(), UserError("bad definition"))
    assert isinstance(error, ApplicationError)
    assert (error.type, error.message, error.non_retryable) == ("UserError", "bad definition", True)
    other = KeyError("registry")
    assert raised(agents_errors(), other) is other


def test_model_call_classifies_without_the_original_as_cause():
    original = openai.APIConnectionError(message="sk-secretsecretsecret", request=None)
    error = raised(model_call(), original)
    assert isinstance(error, ApplicationError)
    assert error.type == "ModelConnectionError" and not error.non_retryable
    assert error.__cause__ is not original
    assert isinstance(error.__cause__, ApplicationError)
    assert error.__cause__.type == "APIConnectionError"
    assert "sk-secret" not in str(error) + str(error.__cause__)


def test_model_call_agents_exception_and_application_error():
    error = raised(model_call(), ModelBehaviorError("bad JSON"))
    assert isinstance(error, ApplicationError)
    assert (error.type, error.non_retryable) == ("ModelBehaviorError", True)
    original = ApplicationError("rate limited", type="ModelRateLimited")
    assert raised(model_call(), original) is original


async def test_checked_call_returns_the_expected_type_or_says_what_came_back():
    assert await checked_call("session_input_callback", lambda: [1], list) == [1]

    async def wrong() -> int:
        return 3

    with pytest.raises(ApplicationError) as caught:
        await checked_call("session_input_callback", wrong, list)
    assert caught.value.type == "UserError" and caught.value.non_retryable
    assert caught.value.message == "session_input_callback must return list, got int"

    def failing() -> list:
        raise RuntimeError("down")

    with pytest.raises(ApplicationError) as caught:
        await checked_call("session_input_callback", failing, list)
    assert caught.value.message == "session_input_callback raised RuntimeError: down"

"""Classifying model API failures for Temporal, which owns retries.

The OpenAI clients are built with `max_retries=0`, so every failure reaches the activity once and
this module decides: transient failures (rate limits, 5xx, connection problems, timeouts) are
retryable, honouring the provider's `Retry-After`; requests the provider rejected (4xx) and
replies we cannot parse are not, because resending the same request cannot succeed. An error
the provider reports in the middle of a streamed reply is classified by its code the same way.
Messages carry the status and the provider's own explanation but never an API key.

Temporal records an error's `__cause__` chain (messages and stack traces) in the workflow
history and the worker logs it, so the original exception must not travel as the cause: a 401
from OpenAI quotes the rejected key. The failure's cause is a redacted stand-in carrying the
original type name and traceback instead.
"""

from __future__ import annotations

import email.utils
import json
import math
import os
import re
import time
from datetime import timedelta
from typing import Any

import openai
import pydantic
from temporalio.exceptions import ApplicationError

from durable_agents.exceptions import AgentsException, ModelBehaviorError

MAX_RETRY_DELAY = timedelta(minutes=10)
"""Cap on a provider's `Retry-After`, so a bogus header cannot park a run for days."""

_STATUS_TYPES = {
    400: "ModelBadRequest",
    401: "ModelAuthenticationError",
    403: "ModelPermissionDenied",
    404: "ModelNotFound",
    408: "ModelTimeout",
    409: "ModelConflict",
    413: "ModelRequestTooLarge",
    422: "ModelUnprocessableEntity",
    429: "ModelRateLimited",
}
_RETRYABLE_STATUSES = frozenset({408, 409, 429})
"""The 4xx statuses the OpenAI SDK itself retries; every other 4xx is final."""

_STREAM_BAD_REQUEST_CODES = frozenset({"invalid_prompt", "context_length_exceeded"})
"""Codes of in-stream errors that resending the same request cannot fix."""

_PARSE_ERRORS = (
    ModelBehaviorError,
    openai.APIResponseValidationError,
    json.JSONDecodeError,
    pydantic.ValidationError,
)

_KEY_PATTERN = re.compile(r"\b(sk-[A-Za-z0-9_\-]{8,}|Bearer\s+[A-Za-z0-9_\-.~+/=]{8,})")


_registered_keys: set[str] = set()
"""Keys the providers were given directly (e.g. from an env mapping, not `os.environ`)."""


def register_secret(secret: str | None) -> None:
    """Makes `redact` mask `secret` wherever it appears; providers call it with their keys."""
    if secret and len(secret) >= 8:
        _registered_keys.add(secret)


def model_error_to_application_error(exc: BaseException) -> ApplicationError:
    """The Temporal failure to raise for `exc`, raised while calling a model.

    Raise it as is (`raise model_error_to_application_error(e)`, no `from e`): its cause is
    already set to a redacted stand-in for `exc`, and `from e` would put `exc` itself, secrets
    and all, into the history."""
    if isinstance(exc, ApplicationError):
        return exc
    error = _classify(exc)
    error.__cause__ = redacted_cause(exc)
    return error


def redacted_cause(exc: BaseException) -> ApplicationError:
    """A stand-in for `exc` safe to record: its type as the failure type, its message redacted,
    its traceback (code locations only, no values) kept for debugging."""
    cause = ApplicationError(redact(f"{type(exc).__name__}: {exc}"), type=type(exc).__name__)
    return cause.with_traceback(exc.__traceback__)


def _classify(exc: BaseException) -> ApplicationError:
    if isinstance(exc, openai.APIStatusError):
        return _status_error(exc)
    if isinstance(exc, openai.APITimeoutError):
        return _error("the model API request timed out", "ModelTimeout", retryable=True)
    if isinstance(exc, openai.APIConnectionError):
        return _error(
            f"could not reach the model API: {_cause(exc)}", "ModelConnectionError", retryable=True
        )
    if isinstance(exc, _PARSE_ERRORS):
        return _error(
            f"the model API returned a reply that cannot be parsed: {exc}",
            "ModelBehaviorError",
            retryable=False,
        )
    if isinstance(exc, openai.APIError):
        return _stream_error(exc)
    if isinstance(exc, AgentsException):
        return _error(exc.message, type(exc).__name__, retryable=False)
    # Unknown failures are retried, Temporal's default: a fixed deploy lets the run go on.
    return _error(f"{type(exc).__name__}: {exc}", "ModelError", retryable=True)


def _status_error(exc: openai.APIStatusError) -> ApplicationError:
    status = exc.status_code
    error = _error_object(exc.body)
    code = error.get("code")
    provider_message = error.get("message") or _short_text(exc.response)
    details = {
        "status_code": status,
        "error_type": error.get("type"),
        "error_code": code,
        "request_id": exc.request_id,
    }
    message = f"model API returned HTTP {status}: {provider_message}"
    if status == 401:
        message += " (check the API key the worker has for this provider)"
    if status == 429 and code == "insufficient_quota":
        # Out of credit, not out of rate: waiting will not help.
        return _error(message, "ModelQuotaExceeded", retryable=False, details=details)
    retryable = status >= 500 or status in _RETRYABLE_STATUSES
    return _error(
        message,
        "ModelServerError" if status >= 500 else _STATUS_TYPES.get(status, "ModelClientError"),
        retryable=retryable,
        delay=retry_after(exc.response.headers) if retryable else None,
        details=details,
    )


def _stream_error(exc: openai.APIError) -> ApplicationError:
    """An error the provider reported inside a stream, after its 200 OK: classified by its code
    as the HTTP status would have been. Anything else is the server failing mid-reply, which a
    new attempt may not meet."""
    error = _error_object(exc.body)
    code, kind = error.get("code"), error.get("type")
    details = {"error_type": kind, "error_code": code}
    message = f"model API failed while streaming: {error.get('message') or exc.message}"
    if code == "insufficient_quota":
        return _error(message, "ModelQuotaExceeded", retryable=False, details=details)
    if code == "rate_limit_exceeded" or kind in ("rate_limit_error", "requests", "tokens"):
        return _error(message, "ModelRateLimited", retryable=True, details=details)
    if kind == "invalid_request_error" or code in _STREAM_BAD_REQUEST_CODES:
        return _error(message, "ModelBadRequest", retryable=False, details=details)
    return _error(message, "ModelServerError", retryable=True, details=details)


def retry_after(headers: Any) -> timedelta | None:
    """The wait a provider asks for: `retry-after-ms` (OpenAI), else `retry-after` in seconds
    or as an HTTP date. None when absent or unusable."""
    seconds: float | None = None
    try:
        if (ms := headers.get("retry-after-ms")) is not None:
            seconds = float(ms) / 1000
        elif (value := headers.get("retry-after")) is not None:
            try:
                seconds = float(value)
            except ValueError:
                parsed = email.utils.parsedate_to_datetime(value)
                seconds = parsed.timestamp() - time.time()
    except (TypeError, ValueError):
        return None
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        return None
    return min(timedelta(seconds=seconds), MAX_RETRY_DELAY)


def redact(text: str) -> str:
    """`text` with configured API keys and anything shaped like a key or bearer token masked."""
    for secret in _configured_keys():
        text = text.replace(secret, "[redacted]")
    return _KEY_PATTERN.sub("[redacted]", text)


def _configured_keys() -> list[str]:
    """Values of the key variables the provider reads, longest first so none is left partly
    visible."""
    keys = {
        value
        for name, value in os.environ.items()
        if len(value) >= 8
        and (
            name == "OPENAI_API_KEY"
            or (name.startswith("DURABLE_AGENTS_PROVIDER_") and name.endswith("_API_KEY"))
        )
    }
    return sorted(keys | _registered_keys, key=len, reverse=True)


def _error(
    message: str,
    type: str,
    *,
    retryable: bool,
    delay: timedelta | None = None,
    details: dict[str, Any] | None = None,
) -> ApplicationError:
    args = (details,) if details else ()
    return ApplicationError(
        redact(message),
        *args,
        type=type,
        non_retryable=not retryable,
        next_retry_delay=delay,
    )


def _error_object(body: object) -> dict[str, Any]:
    """OpenAI nests the error under "error"; some compatible servers put it at the top level."""
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            return inner
        if isinstance(inner, str):
            return {"message": inner}
    return {}


def _short_text(response: Any) -> str:
    try:
        text = response.text.strip()
    except Exception:
        return "(no body)"
    return text[:500] or "(empty body)"


def _cause(exc: BaseException) -> str:
    cause = exc.__cause__ or exc.__context__
    return f"{type(cause).__name__}: {cause}" if cause else str(exc)

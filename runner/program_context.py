"""The program's own context object, brought up to date with the run's context (JSON).

A worker in the program's process hands user code the program's object itself, so its changes
are the program's at once. The run also keeps them as run state: a program started again after
a crash builds a fresh object, and before user code sees it, what earlier calls changed is set
on it again. On a cluster's workers the changes happen in their copy, and the program's object
gets them from the result.

Only what JSON can say is restored, key by key, each value validated as its field's type (a
dataclass's, a pydantic model's, an annotated class's); a value that is not JSON to begin with
(a lock, a client) is the program's and is never overwritten.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from pydantic import BaseModel, TypeAdapter
from pydantic_core import PydanticSerializationError, to_jsonable_python

_MISSING = object()


def bring_up_to_date(live: Any, raw: Any) -> None:
    """Sets on `live` each top-level value of `raw` that differs from the one it has."""
    if not isinstance(raw, dict):
        return
    types = _field_types(live)
    for key, value in raw.items():
        current = _get(live, key)
        if current is not _MISSING and not _same(current, value):
            if _json(current) is _MISSING:
                continue  # not data: the program's own
        elif current is not _MISSING:
            continue
        try:
            typed = TypeAdapter(types[key]).validate_python(value) if key in types else value
        except Exception:
            continue  # what the run holds no longer fits the program's type: keep the program's
        if isinstance(live, dict):
            live[key] = typed
        elif current is not _MISSING or key in types:
            setattr(live, key, typed)


def _get(live: Any, key: str) -> Any:
    return live.get(key, _MISSING) if isinstance(live, dict) else getattr(live, key, _MISSING)


def _same(current: Any, value: Any) -> bool:
    return _json(current) == value


def _json(value: Any) -> Any:
    try:
        return to_jsonable_python(value)
    except (PydanticSerializationError, TypeError, ValueError):
        return _MISSING


def _field_types(live: Any) -> dict[str, Any]:
    if isinstance(live, BaseModel):
        return {name: field.annotation for name, field in type(live).model_fields.items()}
    if isinstance(live, dict):
        return {}
    try:
        hints = typing.get_type_hints(type(live))
    except Exception:
        hints = {}
    if dataclasses.is_dataclass(live):
        return {f.name: hints.get(f.name, Any) for f in dataclasses.fields(live)}
    return hints

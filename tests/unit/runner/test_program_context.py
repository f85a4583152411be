"""`bring_up_to_date`: the program's context object gets what the run holds, typed as its
fields are, and keeps what is not data (a lock)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from runner.program_context import bring_up_to_date


@dataclass
class Trip:
    city: str | None = None
    stops: list[str] = field(default_factory=list)
    lock: Any = field(default_factory=threading.Lock)


class Booking(BaseModel):
    flight: str | None = None
    seats: int = 0


class Plain:
    note: str = ""


def test_a_dataclass_gets_the_runs_values_and_keeps_its_lock() -> None:
    trip = Trip()
    lock = trip.lock
    bring_up_to_date(trip, {"city": "Rome", "stops": ["a"], "lock": "<unlocked _thread.lock>"})
    assert trip.city == "Rome" and trip.stops == ["a"]
    assert trip.lock is lock  # not data: the program's own


def test_a_pydantic_context_is_validated_field_by_field() -> None:
    booking = Booking()
    bring_up_to_date(booking, {"flight": "FLT-1", "seats": "2"})
    assert booking.flight == "FLT-1" and booking.seats == 2
    bring_up_to_date(booking, {"seats": "many"})  # no longer fits the type: kept as it was
    assert booking.seats == 2


def test_a_dict_context_and_a_plain_object() -> None:
    context: dict[str, Any] = {"a": 1}
    bring_up_to_date(context, {"a": 2, "b": 3})
    assert context == {"a": 2, "b": 3}
    plain = Plain()
    bring_up_to_date(plain, {"note": "x", "unknown": 1})
    assert plain.note == "x" and not hasattr(plain, "unknown")


def test_nothing_to_bring_leaves_the_object_alone() -> None:
    trip = Trip(city="Oslo")
    bring_up_to_date(trip, None)
    bring_up_to_date(trip, [1, 2])
    assert trip.city == "Oslo"

"""`ContextUpdate`: one activity's change to the run's context, as a diff the workflow applies
over whatever other calls changed meanwhile."""

from __future__ import annotations

from protocol.context import ContextUpdate


def test_no_change_is_no_update() -> None:
    assert ContextUpdate.between({"a": 1}, {"a": 1}) is None
    assert ContextUpdate.between(None, None) is None


def test_an_object_context_changes_by_key() -> None:
    update = ContextUpdate.between({"a": 1, "b": 2, "gone": 0}, {"a": 1, "b": 3, "new": 4})
    assert update == ContextUpdate(changed={"b": 3, "new": 4}, removed=["gone"])
    # Applied over a context another call changed meanwhile: its key stays.
    assert update.applied_to({"a": 1, "b": 2, "gone": 0, "other": 5}) == {
        "a": 1,
        "b": 3,
        "other": 5,
        "new": 4,
    }


def test_any_other_value_is_replaced() -> None:
    for before, after in [(None, {"a": 1}), ("x", "y"), ({"a": 1}, [1, 2]), ([1], [1, 2])]:
        update = ContextUpdate.between(before, after)
        assert update is not None and update.replaced
        assert update.applied_to(before) == after


def test_an_update_round_trips_as_json() -> None:
    update = ContextUpdate.between({"a": None}, {"a": {"nested": [1]}})
    assert ContextUpdate.model_validate_json(update.model_dump_json()) == update

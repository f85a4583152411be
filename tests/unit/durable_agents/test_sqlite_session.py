"""`SQLiteSession`: order, limit, pop, clear, concurrent writers and keyed (once-only) batches."""

from __future__ import annotations

import asyncio
import sqlite3
import threading

import pytest

from durable_agents import AgentRegistry, Session, SessionABC, SQLiteSession, UserError
from durable_agents.memory import SESSION_DB_ENV, default_session_factory


def msg(n: int) -> dict:
    return {"role": "user", "content": f"m{n}"}


@pytest.fixture(params=["memory", "file"])
def session(request, tmp_path) -> SQLiteSession:
    path = ":memory:" if request.param == "memory" else tmp_path / "s.sqlite"
    s = SQLiteSession("s1", path)
    yield s
    s.close()


async def test_items_keep_their_order_and_limit_takes_the_latest(session):
    assert isinstance(session, Session) and isinstance(session, SessionABC)
    assert await session.get_items() == []
    await session.add_items([msg(1), msg(2)])
    await session.add_items([])
    await session.add_items([msg(3), {"type": "function_call_output", "call_id": "c", "output": 1}])
    items = await session.get_items()
    assert items == [
        msg(1),
        msg(2),
        msg(3),
        {"type": "function_call_output", "call_id": "c", "output": 1},
    ]
    assert await session.get_items(limit=2) == items[2:]
    assert await session.get_items(limit=10) == items
    assert await session.get_items(limit=0) == []


async def test_pop_removes_the_latest_and_clear_empties(session):
    assert await session.pop_item() is None
    await session.add_items([msg(1), msg(2)])
    assert await session.pop_item() == msg(2)
    assert await session.get_items() == [msg(1)]
    await session.clear_session()
    assert await session.get_items() == []
    assert await session.pop_item() is None


async def test_sessions_do_not_mix(tmp_path):
    a, b = SQLiteSession("a", tmp_path / "db"), SQLiteSession("b", tmp_path / "db")
    await a.add_items([msg(1)])
    await b.add_items([msg(2)])
    await a.add_items([msg(3)])
    assert await a.get_items() == [msg(1), msg(3)]
    assert await b.get_items() == [msg(2)]
    await a.clear_session()
    assert await b.get_items() == [msg(2)]


async def test_file_sessions_persist_across_objects_and_use_wal(tmp_path):
    path = tmp_path / "db.sqlite"
    first = SQLiteSession("s", path)
    await first.add_items([msg(1)])
    first.close()
    assert await SQLiteSession("s", path).get_items() == [msg(1)]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_memory_sessions_are_private_to_their_object():
    await SQLiteSession("s").add_items([msg(1)])
    assert await SQLiteSession("s").get_items() == []


async def test_a_keyed_batch_is_added_once(session):
    assert await session.add_items_once("run:1", [msg(1), msg(2)]) is True
    assert await session.add_items_once("run:1", [msg(1), msg(2)]) is False
    assert await session.add_items_once("run:2", [msg(3)]) is True
    assert await session.get_items() == [msg(1), msg(2), msg(3)]
    # Keys belong to one session.
    other = SQLiteSession("other", session.db_path) if session.db_path != ":memory:" else None
    if other is not None:
        assert await other.add_items_once("run:1", [msg(9)]) is True
        assert await other.get_items() == [msg(9)]
    # Clearing forgets the keys with the items.
    await session.clear_session()
    assert await session.add_items_once("run:1", [msg(1)]) is True
    assert await session.get_items() == [msg(1)]


async def test_a_failed_batch_leaves_neither_items_nor_its_key(tmp_path):
    session = SQLiteSession("s", tmp_path / "db")
    with pytest.raises(TypeError):
        await session.add_items_once("k", [msg(1), {"bad": object()}])
    assert await session.get_items() == []
    assert await session.add_items_once("k", [msg(1)]) is True
    assert await session.get_items() == [msg(1)]


def test_concurrent_adds_from_threads_and_objects_lose_nothing(tmp_path):
    path = tmp_path / "db.sqlite"
    shared = SQLiteSession("s", path)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        # Half the threads share one object, half open their own (as activities do).
        session = shared if n % 2 else SQLiteSession("s", path)
        try:
            for i in range(20):
                asyncio.run(session.add_items([msg(n * 100 + i)]))
                keyed = {"role": "user", "content": f"k{n}:{i}"}
                asyncio.run(session.add_items_once(f"{n}:{i % 10}", [keyed]))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    items = asyncio.run(shared.get_items())
    plain = [i["content"] for i in items if i["content"].startswith("m")]
    keyed = [i["content"] for i in items if i["content"].startswith("k")]
    assert sorted(plain) == sorted(f"m{n * 100 + i}" for n in range(8) for i in range(20))
    assert sorted(keyed) == sorted(f"k{n}:{i}" for n in range(8) for i in range(10))
    # Each writer's own items stay in the order it wrote them.
    for n in range(8):
        mine = [c for c in plain if int(c[1:]) // 100 == n]
        assert mine == [f"m{n * 100 + i}" for i in range(20)]


def test_default_factory_uses_the_env_path_and_creates_its_folder(tmp_path, monkeypatch):
    path = tmp_path / "nested" / "dir" / "sessions.sqlite"
    monkeypatch.setenv(SESSION_DB_ENV, str(path))
    session = default_session_factory("x")
    assert isinstance(session, SQLiteSession) and session.db_path == path
    asyncio.run(session.add_items([msg(1)]))
    assert path.exists()
    registry = AgentRegistry([])
    assert asyncio.run(registry.session("x").get_items()) == [msg(1)]


def test_registry_refuses_a_callback_that_is_not_callable():
    with pytest.raises(UserError, match="session_input_callback"):
        AgentRegistry([], session_input_callback="append")  # type: ignore[arg-type]


def test_table_names_are_checked():
    with pytest.raises(ValueError):
        SQLiteSession("s", messages_table="x; DROP TABLE y")

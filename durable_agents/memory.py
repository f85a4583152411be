"""Sessions: conversation memory that carries over from one run to the next.

The names and behaviour follow the reference's `agents.memory`: a `Session` holds a list of
input items; a run that names a session starts from its history plus the new input, and saves
the new input and each turn's items back to it.

Sessions are used only inside activities on a worker (never in workflow code), found by id
through the registry's `session_factory`. Activities can be retried, so an append may be
attempted twice: a session that also has the optional hook

    async def add_items_once(self, key: str, items: list[TResponseInputItem]) -> bool

(append unless a batch with this `key` was already applied; True when it appended) gets every
batch once. `SQLiteSession` has it. A session without it gets at-least-once appends.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from .models import TResponseInputItem

SessionInputCallback = Callable[
    [list[TResponseInputItem], list[TResponseInputItem]],
    list[TResponseInputItem] | Awaitable[list[TResponseInputItem]],
]
"""Combines a session's history (first argument) with the run's new input items (second) into
what the model sees. Without one, the new input is appended to the history."""

SESSION_DB_ENV = "DURABLE_AGENTS_SESSION_DB"
DEFAULT_SESSION_DB = ".durable_agents/sessions.sqlite"
BUSY_TIMEOUT_SECONDS = 30.0


@runtime_checkable
class Session(Protocol):
    """A conversation's history, for a specific `session_id`."""

    session_id: str

    async def get_items(self, limit: int | None = None) -> list[TResponseInputItem]:
        """The history; with `limit`, only the latest `limit` items, in chronological order."""
        ...

    async def add_items(self, items: list[TResponseInputItem]) -> None:
        """Appends items to the history."""
        ...

    async def pop_item(self) -> TResponseInputItem | None:
        """Removes and returns the most recent item (None when the session is empty)."""
        ...

    async def clear_session(self) -> None:
        """Removes every item of the session."""
        ...


class SessionABC(ABC):
    """Base class for session implementations (the `Session` protocol, as an ABC)."""

    session_id: str

    @abstractmethod
    async def get_items(self, limit: int | None = None) -> list[TResponseInputItem]: ...

    @abstractmethod
    async def add_items(self, items: list[TResponseInputItem]) -> None: ...

    @abstractmethod
    async def pop_item(self) -> TResponseInputItem | None: ...

    @abstractmethod
    async def clear_session(self) -> None: ...


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _table_name(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"invalid SQLite table name {name!r}")
    return name


class SQLiteSession(SessionABC):
    """A session stored in SQLite: one JSON row per item, in insertion order.

    The default `db_path` (":memory:") is private to this object and lost with it; give a file
    path to keep the history and to share it between processes. A file database is opened in
    WAL mode with a busy timeout, so many activities and worker processes may use it at once.
    Methods run their SQLite calls in a thread (`asyncio.to_thread`); one object may be used
    from several threads and tasks at once.

    The tables are those of the reference's `SQLiteSession` (`agent_sessions`,
    `agent_messages`), plus `keys_table`, which records the keys of batches added with
    `add_items_once` in the same transaction as the items.
    """

    def __init__(
        self,
        session_id: str,
        db_path: str | Path = ":memory:",
        sessions_table: str = "agent_sessions",
        messages_table: str = "agent_messages",
        keys_table: str = "agent_session_keys",
    ) -> None:
        self.session_id = session_id
        self.db_path = db_path
        self.sessions_table = _table_name(sessions_table)
        self.messages_table = _table_name(messages_table)
        self.keys_table = _table_name(keys_table)
        self._is_memory_db = str(db_path) == ":memory:"
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        if self._is_memory_db:
            # An in-memory database lives only as long as its connection: open it now.
            self._connect()

    # --- connection -------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        """The object's connection, opened on first use (callers hold `_lock`)."""
        if self._connection is None:
            conn = sqlite3.connect(
                str(self.db_path),
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,  # transactions are explicit below
                check_same_thread=False,  # `_lock` serialises its use across threads
            )
            try:
                if not self._is_memory_db:
                    conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
                self._create_tables(conn)
            except BaseException:
                conn.close()
                raise
            self._connection = conn
        return self._connection

    def _create_tables(self, conn: sqlite3.Connection) -> None:
        conn.execute(
            f"""CREATE TABLE IF NOT EXISTS {self.sessions_table} (
                session_id TEXT PRIMARY KEY,
                created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
            )"""
        )
        conn.execute(
            f"""CREATE TABLE IF NOT EXISTS {self.messages_table} (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                session_id TEXT NOT NULL,
                message_data TEXT NOT NULL,
                created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                FOREIGN KEY (session_id) REFERENCES {self.sessions_table} (session_id)
                    ON DELETE CASCADE
            )"""
        )
        conn.execute(
            f"""CREATE INDEX IF NOT EXISTS idx_{self.messages_table}_session_id
                ON {self.messages_table} (session_id, id)"""
        )
        conn.execute(
            f"""CREATE TABLE IF NOT EXISTS {self.keys_table} (
                session_id TEXT NOT NULL,
                batch_key TEXT NOT NULL,
                created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                PRIMARY KEY (session_id, batch_key)
            )"""
        )

    def _read(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        with self._lock:
            return fn(self._connect())

    def _write(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        """Runs `fn` in one write transaction, taken at once (BEGIN IMMEDIATE) so two writers
        wait for each other through the busy timeout instead of failing to upgrade a lock."""
        with self._lock:
            conn = self._connect()
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            return result

    # --- the Session protocol ---------------------------------------------------------------

    async def get_items(self, limit: int | None = None) -> list[TResponseInputItem]:
        def read(conn: sqlite3.Connection) -> list[TResponseInputItem]:
            if limit is None:
                rows = conn.execute(
                    f"SELECT message_data FROM {self.messages_table} "
                    "WHERE session_id = ? ORDER BY id ASC",
                    (self.session_id,),
                ).fetchall()
            else:
                rows = conn.execute(
                    f"SELECT message_data FROM {self.messages_table} "
                    "WHERE session_id = ? ORDER BY id DESC LIMIT ?",
                    (self.session_id, limit),
                ).fetchall()
                rows.reverse()
            items = []
            for (data,) in rows:
                try:
                    items.append(json.loads(data))
                except json.JSONDecodeError:
                    continue  # a corrupt row is skipped, as in the reference
            return items

        return await asyncio.to_thread(self._read, read)

    def _insert(self, conn: sqlite3.Connection, items: list[TResponseInputItem]) -> None:
        conn.execute(
            f"INSERT OR IGNORE INTO {self.sessions_table} (session_id) VALUES (?)",
            (self.session_id,),
        )
        conn.executemany(
            f"INSERT INTO {self.messages_table} (session_id, message_data) VALUES (?, ?)",
            [(self.session_id, json.dumps(item)) for item in items],
        )
        conn.execute(
            f"UPDATE {self.sessions_table} SET updated_at = CURRENT_TIMESTAMP WHERE session_id = ?",
            (self.session_id,),
        )

    async def add_items(self, items: list[TResponseInputItem]) -> None:
        if not items:
            return
        items = list(items)
        await asyncio.to_thread(self._write, lambda conn: self._insert(conn, items))

    async def add_items_once(self, key: str, items: list[TResponseInputItem]) -> bool:
        """Appends `items` unless a batch with `key` was already added to this session; the key
        is recorded in the same transaction as the items. Returns True when it appended."""
        items = list(items)

        def write(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                f"INSERT OR IGNORE INTO {self.keys_table} (session_id, batch_key) VALUES (?, ?)",
                (self.session_id, key),
            )
            if cursor.rowcount == 0:
                return False
            if items:
                self._insert(conn, items)
            return True

        return bool(await asyncio.to_thread(self._write, write))

    async def pop_item(self) -> TResponseInputItem | None:
        def pop(conn: sqlite3.Connection) -> TResponseInputItem | None:
            row = conn.execute(
                f"SELECT id, message_data FROM {self.messages_table} "
                "WHERE session_id = ? ORDER BY id DESC LIMIT 1",
                (self.session_id,),
            ).fetchone()
            if row is None:
                return None
            conn.execute(f"DELETE FROM {self.messages_table} WHERE id = ?", (row[0],))
            try:
                item: TResponseInputItem = json.loads(row[1])
            except json.JSONDecodeError:
                return None  # removed all the same, as in the reference
            return item

        return await asyncio.to_thread(self._write, pop)

    async def clear_session(self) -> None:
        """Removes the session's items, and the keys of the batches it was given."""

        def clear(conn: sqlite3.Connection) -> None:
            for table in (self.messages_table, self.keys_table, self.sessions_table):
                conn.execute(f"DELETE FROM {table} WHERE session_id = ?", (self.session_id,))

        await asyncio.to_thread(self._write, clear)

    def close(self) -> None:
        """Closes the connection (an in-memory session loses its items)."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


def session_db_path(env: dict[str, str] | None = None) -> Path:
    """Where the default sessions live: `DURABLE_AGENTS_SESSION_DB`, else
    `.durable_agents/sessions.sqlite` (relative to the worker's working directory)."""
    environ = os.environ if env is None else env
    return Path(environ.get(SESSION_DB_ENV) or DEFAULT_SESSION_DB)


def default_session_factory(session_id: str) -> Session:
    """A `SQLiteSession` in the worker's session database, whose folder is created if needed."""
    path = session_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return SQLiteSession(session_id, path)


SessionFactory = Callable[[str], Session]
"""Finds a run's session by its id (called by activities on the worker)."""

SESSION_LIST_INPUT_MESSAGE = (
    "When using session memory, list inputs require a `session_input_callback` (on the "
    "worker's AgentRegistry) to define how they should be merged with the conversation "
    "history. If you don't want to use a callback, provide your input as a string instead, "
    "or run without a session and pass a list to manage the history manually."
)

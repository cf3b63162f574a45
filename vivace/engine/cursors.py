"""Row cursors: the rows of a select in chunks, never all of them in memory at once.

``engine.cursor(compiled, values, batch_size)`` gives a ``RowCursor``::

    async with engine.cursor(compiled, values, 1000) as cursor:
        while rows := await cursor.fetch():
            ...

- PostgreSQL: a server-side cursor (an asyncpg portal), which needs a transaction. Inside
  the task's transaction it uses that one (taking the transaction's lock per chunk, so
  the loop body may run other queries in it); outside one, it takes a connection of its
  own, ``BEGIN`` .. ``COMMIT`` (``ROLLBACK`` when the block raised).
- SQLite: a sqlite3 cursor read with ``fetchmany`` on the connection's worker thread, so
  the event loop is never blocked by a chunk. Outside a transaction it holds a pooled
  connection for the whole iteration (queries in the loop body use the others).

A cursor interrupted mid-chunk (cancelled) leaves its own connection discarded (PostgreSQL)
or handed back only once the worker has stopped (SQLite), as the engines' fetches do.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import sqlite3
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from vivace.dialects import Compiled
from vivace.engine.errors import map_postgres_error

if TYPE_CHECKING:
    from vivace.engine.postgres import PostgresEngine
    from vivace.engine.sqlite import SQLiteEngine, _Connection
    from vivace.engine.transaction import Transaction


class RowCursor:
    """Chunks of driver rows: ``await cursor.fetch()`` until it gives an empty list."""

    async def __aenter__(self) -> RowCursor:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    async def fetch(self) -> list[Any]:
        """The next chunk of rows; an empty list when there are no more."""
        raise NotImplementedError


class PostgresCursor(RowCursor):
    """A server-side cursor on PostgreSQL (see the module docstring)."""

    def __init__(
        self,
        engine: PostgresEngine,
        compiled: Compiled,
        values: Sequence[Any],
        batch_size: int,
        is_fatal: Callable[[BaseException], bool],
    ) -> None:
        self._engine, self._sql, self._batch_size = engine, compiled.sql, batch_size
        self._params = compiled.bind(values)
        self._is_fatal = is_fatal
        self._transaction: Transaction | None = None
        self._connection: Any = None  # a connection of our own, outside a transaction
        self._cursor: Any = None
        self._broken = False

    async def __aenter__(self) -> PostgresCursor:
        engine = self._engine
        if engine.log_queries:
            engine._log(self._sql, self._params)
        transaction = engine._transaction.get()
        if transaction is not None:
            self._transaction = transaction
            async with transaction.lock:
                transaction.check_open()
                self._cursor = await self._open(transaction.connection)
            return self
        connection = await engine._acquire()
        self._connection = connection
        try:
            await connection.execute("BEGIN")
            self._cursor = await self._open(connection)
        except BaseException as error:
            self._connection = None
            await engine._release(connection, discard=self._is_fatal(error))
            if isinstance(error, Exception):
                raise map_postgres_error(error, engine._address()) from error
            raise
        return self

    async def _open(self, connection: Any) -> Any:
        try:
            if self._engine.pgbouncer:
                return await _DeclaredCursor.open(connection, self._sql, self._params)
            return await connection.cursor(self._sql, *self._params)
        except BaseException as error:
            if self._transaction is not None and self._is_fatal(error):
                self._transaction.poison()  # interrupted mid-statement: never commit after it
            if isinstance(error, Exception):
                raise map_postgres_error(error, self._engine._address()) from error
            raise

    async def fetch(self) -> list[Any]:
        transaction = self._transaction
        if transaction is None:
            return await self._fetch()
        async with transaction.lock:
            transaction.check_open()
            return await self._fetch()

    async def _fetch(self) -> list[Any]:
        if self._cursor is None:
            return []
        try:
            rows: list[Any] = await self._cursor.fetch(self._batch_size)
        except BaseException as error:
            if self._is_fatal(error):
                self._broken = True
                if self._transaction is not None:
                    # Interrupted mid-chunk: as for any statement, never commit after it.
                    self._transaction.poison()
            if isinstance(error, Exception):
                raise map_postgres_error(error, self._engine._address()) from error
            raise
        if len(rows) < self._batch_size:
            self._cursor = None  # the portal is done: no round trip to learn it again
        return rows

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._cursor = None
        connection, self._connection = self._connection, None
        if connection is None:
            return  # the task's transaction closes the portal when it ends
        discard = self._broken or (exc is not None and not isinstance(exc, Exception))
        if not discard:
            try:
                await connection.execute("COMMIT" if exc is None else "ROLLBACK")
            except BaseException as error:
                await self._engine._release(connection, discard=True)
                if isinstance(error, Exception):
                    raise map_postgres_error(error, self._engine._address()) from error
                raise
        await self._engine._release(connection, discard=discard)


class _DeclaredCursor:
    """A SQL cursor (``DECLARE`` / ``FETCH``) run with unnamed statements only.

    For PgBouncer: asyncpg's own cursors prepare a named statement, which outlives the
    transaction on whichever server connection ran it (its Close may reach another).
    """

    _numbers = itertools.count(1)

    def __init__(self, connection: Any, name: str) -> None:
        self._connection, self._name = connection, name

    @classmethod
    async def open(cls, connection: Any, sql: str, params: Sequence[Any]) -> _DeclaredCursor:
        name = f"vivace_cursor_{next(cls._numbers)}"
        await connection.execute(f'DECLARE "{name}" NO SCROLL CURSOR FOR {sql}', *params)
        return cls(connection, name)

    async def fetch(self, count: int) -> list[Any]:
        rows: list[Any] = await self._connection.fetch(
            f'FETCH FORWARD {count:d} FROM "{self._name}"'
        )
        return rows


class SQLiteCursor(RowCursor):
    """A sqlite3 cursor read in chunks on the worker thread (see the module docstring)."""

    def __init__(
        self, engine: SQLiteEngine, compiled: Compiled, values: Sequence[Any], batch_size: int
    ) -> None:
        self._engine, self._sql, self._batch_size = engine, compiled.sql, batch_size
        self._params = compiled.bind(values)
        self._transaction: Transaction | None = None
        self._connection: _Connection | None = None
        self._own = False
        self._cursor: sqlite3.Cursor | None = None

    async def __aenter__(self) -> SQLiteCursor:
        engine = self._engine
        if engine.log_queries:
            engine._log(self._sql, self._params)
        transaction = engine._transaction.get()
        if transaction is not None:
            self._transaction = transaction
            async with transaction.lock:
                transaction.check_open()
                self._connection = transaction.connection
                self._cursor = await self._open()
            return self
        self._connection = await engine._acquire()
        self._own = True
        try:
            self._cursor = await self._open()
        except BaseException:
            self._release()
            raise
        return self

    async def _open(self) -> sqlite3.Cursor:
        connection = self._connection
        assert connection is not None
        try:
            cursor: sqlite3.Cursor = await self._engine._on_worker(
                connection, _open_cursor, connection, self._sql, self._params, self._engine.busy_ms
            )
        except asyncio.CancelledError:
            if self._transaction is not None:
                self._transaction.poison()
            raise
        return cursor

    async def fetch(self) -> list[Any]:
        transaction = self._transaction
        if transaction is None:
            return await self._fetch()
        async with transaction.lock:
            transaction.check_open()
            return await self._fetch()

    async def _fetch(self) -> list[Any]:
        cursor, connection = self._cursor, self._connection
        if cursor is None or connection is None:
            return []
        try:
            rows: list[Any] = await self._engine._on_worker(
                connection, cursor.fetchmany, self._batch_size
            )
        except asyncio.CancelledError:
            if self._transaction is not None:
                self._transaction.poison()  # as the engine does for an interrupted statement
            raise
        if len(rows) < self._batch_size:
            self._close()
        return rows

    def _close(self) -> None:
        cursor, self._cursor = self._cursor, None
        if cursor is None:
            return
        connection = self._connection
        pending = connection.pending if connection is not None else None
        if pending is not None and not pending.done():
            # An interrupted chunk still winds down on the worker: close after it.
            pending.add_done_callback(lambda _: _close_quietly(cursor))
        else:
            _close_quietly(cursor)

    def _release(self) -> None:
        connection, self._connection = self._connection, None
        if self._own and connection is not None:
            self._engine._release(connection)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._close()
        self._release()


def _open_cursor(
    connection: _Connection, sql: str, params: Sequence[Any], busy_ms: int
) -> sqlite3.Cursor:
    raw = connection.raw
    raw.execute(f"PRAGMA busy_timeout = {busy_ms:d}")
    try:
        return raw.execute(sql, params)
    finally:
        raw.execute("PRAGMA busy_timeout = 0")


def _close_quietly(cursor: sqlite3.Cursor) -> None:
    with contextlib.suppress(sqlite3.Error):
        cursor.close()

"""``SQLiteCursor``: a sqlite3 cursor read with ``fetchmany`` on the worker thread.

See ``vivace.engine.cursors`` for the behaviour every cursor shares.

Example::

    async with engine.cursor(compiled, values, 1000) as cursor:
        rows = await cursor.fetch()
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from vivace.dialects import Compiled
from vivace.engine.cursors import ChunkedCursor

if TYPE_CHECKING:
    from vivace.engine.sqlite import SQLiteEngine, _Connection
    from vivace.engine.transaction import Transaction


class SQLiteCursor(ChunkedCursor):
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
            self._engine._checkin(connection)

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
